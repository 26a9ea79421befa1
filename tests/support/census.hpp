#pragma once
// Who is in which product, from a zoho-sandbox dump: per collection, the
// emails (normalized as zohosync keys people) and how many records carry
// each, every record's id, and the questions the convergence tests ask of
// it (anyone twice in one collection, anyone missing from one).

#include <boost/json/object.hpp>

#include <cstddef>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace zohosync::support {

// Where a collection sits in the sandbox dump.
struct Place {
  const char* collection;  // "crm.contacts", as zohosync names it
  const char* product;     // the dump's key, and /__sandbox/edit's "product"
  const char* list;        // the key inside the product, and edit's "collection"
  const char* email;       // the email field
  const char* id;          // the id field
};
// The five collections zohosync syncs.
const std::vector<Place>& places();
// The place of `collection` ("crm.contacts"); throws for an unknown one.
const Place& place(std::string_view collection);
// The records of `place` in the dump whose email is `email`, compared as
// zohosync keys people (common::normalize_email).
std::vector<boost::json::object> records_with(const boost::json::object& dump, const Place& place,
                                              const std::string& email);
// The collections people are created in (inventory.users is not one).
const std::vector<std::string>& create_collections();

struct Census {
  std::map<std::string, std::map<std::string, int>> by_collection;  // email -> records
  std::map<std::string, std::size_t> records;  // per collection, with an email or not
  std::set<std::string> everyone;              // every email in any collection
  std::set<std::string> record_ids;            // "collection/id" of every record

  // How many records of `collection` carry `email` (normalized).
  int count(const std::string& collection, const std::string& email) const;
  // How many records of `collection` carry an email.
  std::size_t with_email(const std::string& collection) const;
  // Emails held more than once in one collection.
  std::vector<std::string> duplicates() const;
  // Emails of `people` missing from a create collection.
  std::vector<std::string> missing(const std::set<std::string>& people) const;
};
Census census(const boost::json::object& dump);

}  // namespace zohosync::support
