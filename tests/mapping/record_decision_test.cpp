// The record-level rule, one row per case (record_decision.hpp's two tables):
// what a CRM record means for its person, given what the state says about it.
#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <vector>

#include "mapping/record_decision.hpp"

using namespace zohosync::mapping;

namespace {

constexpr PersonId kPerson = 1;
constexpr PersonId kSomeoneElse = 2;

struct Case {
  const char* name;
  // The record as CRM lists it (modified at 200); nullopt: not in the answer.
  std::string email;
  std::optional<std::string> first;
  // Its link (nullopt: not linked), by the base's first name; the base's
  // email is the person's.
  std::optional<std::string> base_first;
  // The person: linked, or the one holding the record's email (nullopt: nobody).
  std::optional<std::string> person_first;
  std::int64_t person_first_time;
  bool sibling_linked;          // the person already has another CRM record
  bool first_held;              // an open conflict on first_name of this record
  bool email_is_someone_elses;  // the record's email belongs to another person
  Direction first_direction;
  ConflictPolicy policy;
  RecordCase expected;
  std::optional<FieldCase> email_case;  // nullopt: not decided on
  std::optional<FieldCase> first_case;
  MergeOutcome first_merge;
};

constexpr auto both = Direction::both;
constexpr auto N = ConflictPolicy::newest;
constexpr auto M = ConflictPolicy::manual;
using RC = RecordCase;
using FC = FieldCase;
using MO = MergeOutcome;
const std::optional<std::string> none;
const std::optional<FieldCase> not_decided;

const Case kCases[] = {
    // The record's case.
    {"blank email", "", "Ann", none, none, 0, false, false, false, both, N, RC::no_email,
     not_decided, not_decided, MO::unchanged},
    {"invalid email", "ann@@x.com", "Ann", none, none, 0, false, false, false, both, N,
     RC::invalid_email, not_decided, not_decided, MO::unchanged},
    {"nobody's email", "ann@x.com", "Ann", none, none, 0, false, false, false, both, N,
     RC::new_person, not_decided, not_decided, MO::unchanged},
    {"a person's email, already linked here", "ann@x.com", "Ann", none, "Ann", 100, true, false,
     false, both, N, RC::duplicate, not_decided, not_decided, MO::unchanged},
    {"a person's email", "ann@x.com", "Ann", none, "Ann", 100, false, false, false, both, N,
     RC::matched, FC::keep, FC::keep, MO::agree},
    {"a person's email, the person has no first name", "ann@x.com", "Ann", none, "", 100, false,
     false, false, both, N, RC::matched, FC::keep, FC::adopt, MO::fill_canonical},
    {"linked, nothing moved", "ann@x.com", "Ann", "Ann", "Ann", 100, false, false, false, both, N,
     RC::linked, FC::keep, FC::keep, MO::unchanged},
    // Each field of a linked record.
    {"changed only in the record", "ann@x.com", "Anna", "Ann", "Ann", 100, false, false, false,
     both, N, RC::linked, FC::keep, FC::adopt, MO::adopt},
    {"changed only in the person", "ann@x.com", "Ann", "Ann", "Annie", 100, false, false, false,
     both, N, RC::linked, FC::keep, FC::keep, MO::push},
    {"changed on both sides, the record later", "ann@x.com", "Anna", "Ann", "Annie", 100, false,
     false, false, both, N, RC::linked, FC::keep, FC::adopt, MO::conflict_remote},
    {"changed on both sides, the person later", "ann@x.com", "Anna", "Ann", "Annie", 300, false,
     false, false, both, N, RC::linked, FC::keep, FC::keep, MO::conflict_canonical},
    {"changed on both sides, policy manual", "ann@x.com", "Anna", "Ann", "Annie", 100, false, false,
     false, both, M, RC::linked, FC::keep, FC::conflict_held, MO::conflict_held},
    {"held, the sides still differ", "ann@x.com", "Anna", "Ann", "Annie", 100, false, true, false,
     both, N, RC::linked, FC::keep, FC::held, MO::unchanged},
    {"held, the sides agree again", "ann@x.com", "Annie", "Ann", "Annie", 100, false, true, false,
     both, N, RC::linked, FC::keep, FC::settled, MO::unchanged},
    {"not read (to_product)", "ann@x.com", "Anna", "Ann", "Ann", 100, false, false, false,
     Direction::to_product, N, RC::linked, FC::keep, FC::write_only, MO::unchanged},
    {"read (from_product)", "ann@x.com", "Anna", "Ann", "Ann", 100, false, false, false,
     Direction::from_product, N, RC::linked, FC::keep, FC::adopt, MO::adopt},
    {"direction off", "ann@x.com", "Anna", "Ann", "Ann", 100, false, false, false, Direction::off,
     N, RC::linked, FC::keep, not_decided, MO::unchanged},
    {"not in the answer", "ann@x.com", none, "Ann", "Ann", 100, false, false, false, both, N,
     RC::linked, FC::keep, not_decided, MO::unchanged},
    // The email of a linked record.
    {"email changed to nobody's", "ann.new@x.com", "Ann", "Ann", "Ann", 100, false, false, false,
     both, N, RC::linked, FC::adopt, FC::keep, MO::unchanged},
    {"email changed to another person's", "bob@x.com", "Ann", "Ann", "Ann", 100, false, false, true,
     both, N, RC::linked, FC::email_taken, FC::keep, MO::unchanged},
    {"email changed to an invalid one", "ann@@x.com", "Anna", "Ann", "Ann", 100, false, false,
     false, both, N, RC::linked, FC::invalid_email, FC::adopt, MO::adopt},
};

}  // namespace

TEST_CASE("decide: the record-level rule, row by row") {
  const CollectionSpec& spec = *find_collection("crm.contacts");
  SyncSettings settings;
  for (const Case& c : kCases) {
    CAPTURE(c.name);
    settings.conflict_policy = c.policy;
    CollectionSettings crm;
    crm.id = "crm.contacts";
    crm.directions[index_of(Field::first_name)] = c.first_direction;

    ObservedRecord rec;
    rec.id = "c1";
    rec.modified_ms = 200;
    rec.fields = {{"Email", c.email}, {"Last_Name", "Lee"}};
    if (c.first)
      rec.fields["First_Name"] = *c.first;

    PersonRow person;
    person.id = kPerson;
    if (c.person_first) {
      person.values[Field::email] = "ann@x.com";
      person.values[Field::first_name] = *c.person_first;
      person.values[Field::last_name] = "Lee";
      person.origins[index_of(Field::first_name)] = {c.person_first_time,
                                                     "inventory.contact_persons"};
    }
    LinkRow link;
    link.collection = "crm.contacts";
    link.record_id = "c1";
    link.person = kPerson;
    if (c.base_first) {
      link.base[Field::email] = "ann@x.com";
      link.base[Field::first_name] = *c.base_first;
      link.base[Field::last_name] = "Lee";
    }
    LinkRow sibling = link;
    sibling.record_id = "c0";
    RecordFacts facts;
    facts.link = c.base_first ? &link : nullptr;
    facts.person = c.person_first ? &person : nullptr;
    facts.linked_sibling = c.sibling_linked ? &sibling : nullptr;
    facts.held = [&](Field f) { return c.first_held && f == Field::first_name; };
    facts.email_owner = [&](const std::string& email) -> std::optional<PersonId> {
      if (email == "ann@x.com")
        return kPerson;
      if (c.email_is_someone_elses)
        return kSomeoneElse;
      return std::nullopt;
    };

    const RecordDecision d = decide(settings, crm, spec, rec, facts);
    CHECK(to_string(d.what) == to_string(c.expected));
    std::optional<FieldCase> email_case;
    std::optional<FieldCase> first_case;
    MergeOutcome first_merge = MergeOutcome::unchanged;
    for (const FieldDecision& fd : d.fields) {
      if (fd.field == Field::email)
        email_case = fd.what;
      if (fd.field == Field::first_name) {
        first_case = fd.what;
        first_merge = fd.merge;
      }
    }
    CHECK(email_case.has_value() == c.email_case.has_value());
    if (email_case && c.email_case)
      CHECK(to_string(*email_case) == to_string(*c.email_case));
    CHECK(first_case.has_value() == c.first_case.has_value());
    if (first_case && c.first_case)
      CHECK(to_string(*first_case) == to_string(*c.first_case));
    CHECK(to_string(first_merge) == to_string(c.first_merge));
  }
}

TEST_CASE("record_email: the key a person is looked up by") {
  const CollectionSpec& spec = *find_collection("crm.contacts");
  ObservedRecord rec;
  rec.fields = {{"Email", " Ann@X.com "}};
  CHECK(record_email(spec, rec) == "ann@x.com");
  rec.fields = {{"Email", "ann@@x.com"}};
  CHECK(record_email(spec, rec).empty());  // cannot identify anyone
  rec.fields = {{"Email", ""}};
  CHECK(record_email(spec, rec).empty());
  rec.fields = {};
  CHECK(record_email(spec, rec).empty());
}

TEST_CASE("decide: a matched record's name is split with the person's as the hint") {
  // Projects and Contracts carry one full name; "Mary Ann Lee" splits as the
  // person has it, not at the last space.
  const CollectionSpec* spec = nullptr;
  for (const CollectionSpec& s : builtin_collections()) {
    if (!s.full_name_field.empty())
      spec = &s;
  }
  REQUIRE(spec != nullptr);
  SyncSettings settings;
  CollectionSettings cs;
  cs.id = std::string(spec->id);
  ObservedRecord rec;
  rec.id = "r1";
  rec.fields = {{std::string(spec->email_field()), "mal@x.com"},
                {std::string(spec->full_name_field), "Mary Ann Lee"}};
  PersonRow person;
  person.id = kPerson;
  person.values[Field::email] = "mal@x.com";
  person.values[Field::first_name] = "Mary";
  person.values[Field::last_name] = "Ann Lee";
  RecordFacts facts;
  facts.person = &person;
  const RecordDecision d = decide(settings, cs, *spec, rec, facts);
  CHECK(d.what == RecordCase::matched);
  CHECK(d.remote[Field::first_name] == "Mary");
  CHECK(d.remote[Field::last_name] == "Ann Lee");
}
