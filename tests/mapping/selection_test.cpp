// Selective sync in the planner (CollectionSettings::include): records left
// out are no source and get no link; a linked record that stops matching is
// unlinked and never deleted; nobody is created beside a record left out;
// creates carry the values that make them match.
#include <doctest/doctest.h>

#include "mapping/memory_state.hpp"
#include "mapping/planner.hpp"

using namespace zohosync::mapping;

namespace {

zohosync::common::IncludeRule rule(std::string_view text) {
  auto parsed = zohosync::common::parse_include_rule(text);
  REQUIRE(parsed.rule.has_value());
  return *parsed.rule;
}

// CRM customers only, created in Inventory; Inventory people created in CRM.
SyncSettings customers_only(OnDelete on_delete = OnDelete::propagate) {
  SyncSettings s;
  s.on_delete = on_delete;
  CollectionSettings crm;
  crm.id = "crm.contacts";
  crm.create_target = true;
  crm.include = {rule("Contact_Type in Customer, Reseller")};
  CollectionSettings inv;
  inv.id = "inventory.contact_persons";
  inv.create_target = true;
  inv.default_parent_id = "c-1";
  s.collections = {crm, inv};
  return s;
}

ObservedRecord crm_record(std::string id, std::string email, std::string type,
                          std::int64_t modified = 1000) {
  ObservedRecord r;
  r.id = std::move(id);
  r.fields = {{"Email", email}, {"First_Name", "Ann"}, {"Last_Name", "Lee"}};
  if (!type.empty())
    r.fields["Contact_Type"] = type;
  r.modified_ms = modified;
  r.created_ms = 1;
  return r;
}

ObservedRecord inv_record(std::string id, std::string email) {
  ObservedRecord r;
  r.id = std::move(id);
  r.parent_id = "c-1";
  r.fields = {{"email", email}, {"first_name", "Bo"}, {"last_name", "Ray"}};
  r.modified_ms = 1000;
  r.created_ms = 1;
  return r;
}

Observation full(std::string collection, std::vector<ObservedRecord> records) {
  Observation o;
  o.collection = std::move(collection);
  o.full = true;
  o.records = std::move(records);
  return o;
}

std::vector<Action> of_kind(const std::vector<Action>& all, ActionKind kind) {
  std::vector<Action> out;
  for (const auto& a : all) {
    if (a.kind == kind)
      out.push_back(a);
  }
  return out;
}

}  // namespace

TEST_CASE("a CRM contact the rules leave out is no source: no person, no create") {
  MemoryState st;
  CollectingSink sink;
  std::vector<Observation> obs{full("crm.contacts", {crm_record("1", "lead@x.com", "Lead"),
                                                     crm_record("2", "c@x.com", "customer")}),
                               full("inventory.contact_persons", {})};
  plan(st, obs, customers_only(), 0, sink);
  CHECK(st.people().size() == 1);
  CHECK(st.person_by_email("c@x.com").has_value());
  CHECK(!st.person_by_email("lead@x.com").has_value());
  auto creates = of_kind(sink.actions, ActionKind::create);
  REQUIRE(creates.size() == 1);
  CHECK(creates[0].person_email == "c@x.com");
  auto skips = of_kind(sink.actions, ActionKind::skip);
  REQUIRE(skips.size() == 1);
  CHECK(skips[0].record_id == "1");
  CHECK(skips[0].reason.find("include rule \"Contact_Type in Customer, Reseller\"") !=
        std::string::npos);
  // Said once: the same listing again reports no skip (the customer's
  // create is planned again, as the planner does until its link is recorded).
  CollectingSink again;
  plan(st, obs, customers_only(), 0, again);
  CHECK(of_kind(again.actions, ActionKind::skip).empty());
  CHECK(of_kind(again.actions, ActionKind::create).size() == 1);
}

TEST_CASE("a person is not created where a record left out holds the email") {
  MemoryState st;
  CollectingSink sink;
  // The lead in CRM and the same person as an Inventory contact person.
  std::vector<Observation> obs{full("crm.contacts", {crm_record("1", "ann@x.com", "Lead")}),
                               full("inventory.contact_persons", {inv_record("i1", "Ann@x.com")})};
  plan(st, obs, customers_only(), 0, sink);
  CHECK(st.person_by_email("ann@x.com").has_value());  // from Inventory
  CHECK(of_kind(sink.actions, ActionKind::create).empty());
  CHECK(st.tombstoned("crm.contacts", "ann@x.com"));
}

TEST_CASE("a linked record that stops matching is unlinked, not deleted anywhere") {
  MemoryState st;
  const SyncSettings s = customers_only(OnDelete::propagate);
  {
    CollectingSink sink;
    std::vector<Observation> obs{full("crm.contacts", {crm_record("1", "c@x.com", "Customer")}),
                                 full("inventory.contact_persons", {inv_record("i1", "c@x.com")})};
    plan(st, obs, s, 0, sink);
    REQUIRE(st.link("crm.contacts", "1").has_value());
    REQUIRE(st.link("inventory.contact_persons", "i1").has_value());
  }
  CollectingSink sink;
  std::vector<Observation> obs{full("crm.contacts", {crm_record("1", "c@x.com", "Lead", 2000)}),
                               full("inventory.contact_persons", {inv_record("i1", "c@x.com")})};
  plan(st, obs, s, 0, sink);
  CHECK(of_kind(sink.actions, ActionKind::remove).empty());  // on_delete = propagate, yet no delete
  CHECK(of_kind(sink.actions, ActionKind::create).empty());  // and not created again in CRM
  auto unlinks = of_kind(sink.actions, ActionKind::unlink);
  REQUIRE(unlinks.size() == 1);
  CHECK(unlinks[0].record_id == "1");
  CHECK(unlinks[0].reason.find("unlinked, nothing deleted") != std::string::npos);
  CHECK(!st.link("crm.contacts", "1").has_value());
  CHECK(st.link("inventory.contact_persons", "i1").has_value());
  CHECK(st.person_by_email("c@x.com").has_value());
}

TEST_CASE("a record linked only in the collection that leaves it out takes its person along") {
  MemoryState st;
  SyncSettings s = customers_only();
  s.collections[1].create_target = false;
  CollectingSink first;
  plan(st, std::vector<Observation>{full("crm.contacts", {crm_record("1", "c@x.com", "Customer")})},
       s, 0, first);
  REQUIRE(st.people().size() == 1);
  CollectingSink sink;
  plan(st,
       std::vector<Observation>{full("crm.contacts", {crm_record("1", "c@x.com", "Vendor", 2000)})},
       s, 0, sink);
  CHECK(st.people().empty());
  CHECK(of_kind(sink.actions, ActionKind::unlink).size() == 1);
}

TEST_CASE("a record that comes to match is linked to the person that was kept out") {
  MemoryState st;
  const SyncSettings s = customers_only();
  {
    CollectingSink sink;
    plan(st,
         std::vector<Observation>{
             full("crm.contacts", {crm_record("1", "ann@x.com", "Lead")}),
             full("inventory.contact_persons", {inv_record("i1", "ann@x.com")})},
         s, 0, sink);
  }
  CollectingSink sink;
  plan(st,
       std::vector<Observation>{
           full("crm.contacts", {crm_record("1", "ann@x.com", "Customer", 2000)}),
           full("inventory.contact_persons", {inv_record("i1", "ann@x.com")})},
       s, 0, sink);
  auto links = of_kind(sink.actions, ActionKind::link);
  REQUIRE(links.size() == 1);
  CHECK(links[0].record_id == "1");
  CHECK(st.link("crm.contacts", "1")->person == st.link("inventory.contact_persons", "i1")->person);
  CHECK(!st.tombstoned("crm.contacts", "ann@x.com"));
  CHECK(of_kind(sink.actions, ActionKind::create).empty());
}

TEST_CASE("a create in a collection with rules carries the values that make it match") {
  MemoryState st;
  CollectingSink sink;
  plan(st,
       std::vector<Observation>{full("crm.contacts", {}),
                                full("inventory.contact_persons", {inv_record("i1", "bo@x.com")})},
       customers_only(), 0, sink);
  auto creates = of_kind(sink.actions, ActionKind::create);
  REQUIRE(creates.size() == 1);
  CHECK(creates[0].collection == "crm.contacts");
  CHECK(creates[0].payload.at("Contact_Type") == "Customer");
  CHECK(creates[0].payload.at("Email") == "bo@x.com");
}

TEST_CASE("without rules every record takes part (no tombstone, no skip)") {
  MemoryState st;
  SyncSettings s = customers_only();
  s.collections[0].include.clear();
  CollectingSink sink;
  plan(st, std::vector<Observation>{full("crm.contacts", {crm_record("1", "lead@x.com", "Lead")})},
       s, 0, sink);
  CHECK(st.person_by_email("lead@x.com").has_value());
  CHECK(of_kind(sink.actions, ActionKind::skip).empty());
  CHECK(!st.tombstoned("crm.contacts", "lead@x.com"));
}

TEST_CASE("rules that leave out most linked records at once are refused like a mass delete") {
  MemoryState st;
  SyncSettings s = customers_only();
  s.collections[0].include.clear();
  s.collections[1].create_target = false;
  std::vector<ObservedRecord> records;
  for (int i = 0; i < 20; ++i)
    records.push_back(
        crm_record(std::to_string(i), "p" + std::to_string(i) + "@x.com", "Customer"));
  {
    CollectingSink sink;
    plan(st, std::vector<Observation>{full("crm.contacts", records)}, s, 0, sink);
    REQUIRE(st.people().size() == 20);
  }
  // A mistyped field name: no record has it, every record is left out.
  s.collections[0].include = {rule("Contact_Typ = Customer")};
  CollectingSink sink;
  plan(st, std::vector<Observation>{full("crm.contacts", records)}, s, 0, sink);
  auto refusals = of_kind(sink.actions, ActionKind::refuse);
  REQUIRE(refusals.size() == 1);
  CHECK(refusals[0].reason.find("mass-delete guard: 20 of 20 linked records") != std::string::npos);
  CHECK(of_kind(sink.actions, ActionKind::unlink).empty());
  CHECK(st.people().size() == 20);
  CHECK(st.link("crm.contacts", "7").has_value());

  // --force-delete applies them.
  s.force_delete = true;
  CollectingSink forced;
  plan(st, std::vector<Observation>{full("crm.contacts", records)}, s, 0, forced);
  CHECK(of_kind(forced.actions, ActionKind::unlink).size() == 20);
  CHECK(st.people().empty());
}

TEST_CASE("a person whose record the target's rules would leave out is not created there") {
  MemoryState st;
  SyncSettings s = customers_only();
  // Inventory keeps its Purchasing people only; Bo is in Sales.
  s.collections[1].include = {rule("department = Purchasing")};
  ObservedRecord bo = crm_record("1", "bo@x.com", "Customer");
  bo.fields["Department"] = "Sales";
  ObservedRecord cy = crm_record("2", "cy@x.com", "Customer");  // no department: gets Purchasing
  CollectingSink sink;
  plan(st,
       std::vector<Observation>{full("crm.contacts", {bo, cy}),
                                full("inventory.contact_persons", {})},
       s, 0, sink);
  auto creates = of_kind(sink.actions, ActionKind::create);
  REQUIRE(creates.size() == 1);
  CHECK(creates[0].person_email == "cy@x.com");
  CHECK(creates[0].payload.at("department") == "Purchasing");
  bool said = false;
  for (const auto& a : of_kind(sink.actions, ActionKind::skip))
    said = said || (a.person_email == "bo@x.com" &&
                    a.reason.find("would be left out by inventory.contact_persons's include rule "
                                  "\"department = Purchasing\": not created") != std::string::npos);
  CHECK(said);
}
