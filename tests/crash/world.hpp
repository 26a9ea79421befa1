#pragma once
// The crash harness's model of the people in the sandbox: what the products
// held at the start, every edit the harness made since (through the sandbox's
// /__sandbox/edit, as a person in a product's UI would), and the checks that
// the products agree with those edits once zohosync has converged.
//
// Edits are chosen so that the outcome has exactly one right answer: a person
// is edited in one collection only (its "home"; a second product editing the
// same person would be a conflict for the policy to decide), deleted people
// were never edited, and created people get emails no one else has.

#include <boost/json/object.hpp>

#include <cstdint>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "tests/sandbox/test_client.hpp"

namespace zohosync::crash_test {

// One person record as the sandbox dump shows it.
struct SeenRecord {
  std::string collection;  // "crm.contacts", ...
  std::string id;
  std::string first_name;  // empty where the collection has a full name only
};

struct EditCounts {
  std::size_t updates = 0;
  std::size_t creates = 0;
  std::size_t deletes = 0;
  std::size_t inventory_person_deletes = 0;  // of `deletes`, made in Inventory contact persons
};

class World {
 public:
  // Reads the population from the running sandbox.
  World(sandbox::test::session& sandbox, unsigned seed);

  // Makes `updates` updates, `creates` creates and `deletes` deletes spread
  // over every collection; returns how many of each the sandbox accepted
  // (every refusal is also recorded in problems()).
  EditCounts edit(std::size_t updates, std::size_t creates, std::size_t deletes);

  // Compares a dump taken after convergence with every edit made: returns one
  // line per problem (duplicates, lost edits, resurrected or missing people).
  std::vector<std::string> check(const boost::json::object& dump) const;

  // What status must report once every link is in step: one person per
  // distinct email, one link per record with an email.
  struct Counts {
    std::size_t people = 0;
    std::size_t links = 0;
  };
  static Counts expected_counts(const boost::json::object& dump);

  const EditCounts& totals() const { return totals_; }
  const std::vector<std::string>& problems() const { return problems_; }

 private:
  struct Person {
    std::vector<SeenRecord> records;
    std::string home;  // the collection its edits go to ("" = not edited yet)
    bool in_users = false;
  };
  struct Expected {
    std::string first_name;   // as it was: updates leave it alone
    std::string last_name;    // empty: not edited
    std::string designation;  // empty: not edited
  };

  bool update_one();
  bool create_one();
  bool delete_one();
  bool post_edit(const std::string& body);

  sandbox::test::session& sandbox_;
  std::mt19937 random_;
  std::map<std::string, Person> people_;  // by normalized email
  std::vector<std::string> emails_;       // keys of people_, for random picks
  std::map<std::string, Expected> edited_;
  std::map<std::string, std::string> created_;  // email -> last name
  std::set<std::string> deleted_;
  std::set<std::string> baseline_duplicates_;  // "collection email" present twice at the start
  std::uint64_t serial_ = 0;
  EditCounts totals_;
  std::vector<std::string> problems_;
};

}  // namespace zohosync::crash_test
