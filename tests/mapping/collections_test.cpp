// Field maps and full names: composing then splitting never churns.
#include <doctest/doctest.h>

#include <set>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "mapping/collections.hpp"

using namespace zohosync::mapping;

namespace {
FieldValues name(const char* first, const char* last) {
  FieldValues v;
  v[Field::first_name] = first;
  v[Field::last_name] = last;
  return v;
}
}  // namespace

TEST_CASE("compose then split round-trips with the person as hint") {
  const std::pair<const char*, const char*> names[] = {
      {"John", "Smith"}, {"Mary Ann", "Smith"},      {"John", "van Dyke"},         {"", "Cher"},
      {"Prince", ""},    {"Jean-Luc", "de la Tour"}, {"Ana María", "López García"}};
  for (auto [first, last] : names) {
    CAPTURE(first);
    CAPTURE(last);
    FieldValues person = name(first, last);
    std::string full = compose_full_name(first, last);
    NameParts with_hint = split_full_name(full, &person);
    CHECK(with_hint.first == first);
    CHECK(with_hint.last == last);
    // Without a hint the split may differ, but it composes to the same name:
    // a full name equal to the composed one is never a change.
    NameParts no_hint = split_full_name(full);
    CHECK(compose_full_name(no_hint.first, no_hint.last) == full);
  }
}

TEST_CASE("split keeps the unchanged part of a partly edited name") {
  FieldValues base = name("John", "van Dyke");
  NameParts p = split_full_name("Johnny van Dyke", &base);
  CHECK(p.first == "Johnny");
  CHECK(p.last == "van Dyke");
  p = split_full_name("John van Damme", &base);
  CHECK(p.first == "John");
  CHECK(p.last == "van Damme");
  p = split_full_name("  John   van Dyke ", &base);  // reformatted: same split
  CHECK(p.first == "John");
  CHECK(p.last == "van Dyke");
  p = split_full_name("Alice Cooper");
  CHECK(p.first == "Alice");
  CHECK(p.last == "Cooper");
}

TEST_CASE("project and native_value map native fields to canonical ones") {
  const CollectionSpec* crm = find_collection("crm.contacts");
  REQUIRE(crm != nullptr);
  NativeFields native{{"First_Name", "Ann"},
                      {"Last_Name", "Lee"},
                      {"Email", "Ann@X.com"},
                      {"Title", "CTO"},
                      {"Owner", "ignored"}};
  FieldValues v = project(*crm, native);
  CHECK(v[Field::first_name] == "Ann");
  CHECK(v[Field::designation] == "CTO");
  CHECK(v[Field::email] == "Ann@X.com");  // stored as the product gave it
  CHECK(v[Field::phone].empty());
  CHECK(native_value(*crm, "Title", v) == "CTO");

  const CollectionSpec* contracts = find_collection("contracts.counterparty_contacts");
  REQUIRE(contracts != nullptr);
  CHECK(contracts->carries(Field::first_name));
  CHECK_FALSE(contracts->carries(Field::phone));
  CHECK(contracts->email_field() == "emailId");
  FieldValues hint = name("John", "van Dyke");
  FieldValues c =
      project(*contracts, {{"displayName", "John van Dyke"}, {"emailId", "j@x"}}, &hint);
  CHECK(c[Field::first_name] == "John");
  CHECK(c[Field::last_name] == "van Dyke");
  CHECK(native_value(*contracts, "displayName", c) == "John van Dyke");

  for (const char* id : {"inventory.contact_persons", "inventory.users", "projects.contacts",
                         "crm.contacts", "contracts.counterparty_contacts"}) {
    CAPTURE(id);
    const CollectionSpec* spec = find_collection(id);
    REQUIRE(spec != nullptr);
    CHECK(spec->carries(Field::email));
    CHECK(spec->carries(Field::last_name));
  }
  CHECK(find_collection("nope") == nullptr);
}

// Config checks include rules against its own list of each collection's
// native fields (config sits beside mapping, not above it): the two lists
// must name the same fields.
TEST_CASE("the fields config lets include rules name are the fields each collection carries") {
  for (const CollectionSpec& spec : builtin_collections()) {
    CAPTURE(spec.id);
    const std::vector<std::string>* allowed = zohosync::config::rule_fields(spec.id);
    if (spec.id == "crm.contacts") {
      CHECK(allowed == nullptr);  // the CRM connector reads any field a rule names
      continue;
    }
    REQUIRE(allowed != nullptr);
    std::set<std::string> carried;
    for (const NativeField& field : spec.fields)
      carried.emplace(field.name);
    if (!spec.full_name_field.empty())
      carried.emplace(spec.full_name_field);
    std::set<std::string> named(allowed->begin(), allowed->end());
    if (spec.id == "inventory.contact_persons")
      named.erase("contact_type");  // the contact's, carried when a rule tests it
    CHECK(named == carried);
  }
}
