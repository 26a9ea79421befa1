// The planner as a pure function: (state, observations, settings) -> actions,
// checked on MemoryState without any executor.
#include <doctest/doctest.h>

#include "mapping/memory_state.hpp"
#include "mapping/planner.hpp"

using namespace zohosync::mapping;

namespace {

SyncSettings two_collections() {
  SyncSettings s;
  CollectionSettings crm;
  crm.id = "crm.contacts";
  CollectionSettings inv;
  inv.id = "inventory.contact_persons";
  inv.create_target = true;
  inv.default_parent_id = "c-1";
  CollectionSettings contracts;
  contracts.id = "contracts.counterparty_contacts";
  contracts.create_target = true;
  contracts.default_parent_id = "cp-1";
  s.collections = {crm, inv, contracts};
  return s;
}

Observation crm_obs(std::vector<ObservedRecord> records) {
  Observation o;
  o.collection = "crm.contacts";
  o.records = std::move(records);
  return o;
}

ObservedRecord crm_record(std::string id, std::string email, std::string first, std::string last,
                          std::int64_t modified = 1000) {
  ObservedRecord r;
  r.id = std::move(id);
  r.fields = {{"Email", email}, {"First_Name", first}, {"Last_Name", last}};
  r.modified_ms = modified;
  r.created_ms = modified;
  return r;
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

TEST_CASE("a new person: link, then creates with payload, changes and a reason") {
  MemoryState st;
  CollectingSink sink;
  std::vector<Observation> obs{crm_obs({crm_record("1", "Ann@X.com", "Ann", "van Dyke")})};
  plan(st, obs, two_collections(), 0, sink);
  auto links = of_kind(sink.actions, ActionKind::link);
  REQUIRE(links.size() == 1);
  CHECK(links[0].reason == "new person from crm.contacts");
  auto creates = of_kind(sink.actions, ActionKind::create);
  REQUIRE(creates.size() == 2);
  CHECK(creates[0].collection == "inventory.contact_persons");
  CHECK(creates[0].parent_id == "c-1");
  CHECK(creates[0].payload.at("email") == "Ann@X.com");  // stored as the product gave it
  CHECK(creates[0].payload.at("last_name") == "van Dyke");
  CHECK(!creates[0].reason.empty());
  CHECK(creates[1].payload.at("displayName") == "Ann van Dyke");
  CHECK(st.people().size() == 1);
  CHECK(st.person_by_email("ann@x.com").has_value());
}

TEST_CASE("an email stored with surrounding spaces is created elsewhere without them") {
  MemoryState st;
  CollectingSink sink;
  std::vector<Observation> obs{crm_obs({crm_record("1", " Bo@X.com ", "Bo", "Lind")})};
  plan(st, obs, two_collections(), 0, sink);
  auto creates = of_kind(sink.actions, ActionKind::create);
  REQUIRE(creates.size() == 2);
  CHECK(creates[0].payload.at("email") == "Bo@X.com");  // case kept, spaces gone
  CHECK(creates[1].payload.at("emailId") == "Bo@X.com");
}

TEST_CASE("replanning the same observation plans nothing (the base absorbed it)") {
  MemoryState st;
  SyncSettings s = two_collections();
  s.collections[1].create_target = false;
  s.collections[2].create_target = false;
  std::vector<Observation> obs{crm_obs({crm_record("1", "b@x.com", "Bo", "Li")})};
  CollectingSink first;
  plan(st, obs, s, 0, first);
  CollectingSink second;
  plan(st, obs, s, 0, second);
  CHECK(second.actions.empty());
}

TEST_CASE("update carries fields with before/after, directions are obeyed") {
  MemoryState st;
  SyncSettings s = two_collections();
  s.collections[2].create_target = false;
  // Inventory never receives the designation; the CRM never feeds the phone.
  s.collections[1].directions[index_of(Field::designation)] = Direction::off;
  s.collections[0].directions[index_of(Field::phone)] = Direction::to_product;
  LinkRow inv;
  inv.collection = "inventory.contact_persons";
  inv.record_id = "i1";
  PersonRow p;
  p.id = st.allocate_person_id();
  p.values[Field::email] = "c@x.com";
  p.values[Field::first_name] = "Cy";
  p.values[Field::last_name] = "Old";
  st.put_person(p);
  st.put_email("c@x.com", p.id);
  inv.person = p.id;
  inv.base = p.values;
  st.put_link(inv);
  LinkRow crm = inv;
  crm.collection = "crm.contacts";
  crm.record_id = "1";
  st.put_link(crm);

  auto rec = crm_record("1", "c@x.com", "Cy", "New", 2000);
  rec.fields["Title"] = "Boss";
  rec.fields["Phone"] = "555";
  CollectingSink sink;
  std::vector<Observation> obs{crm_obs({rec})};
  plan(st, obs, s, 0, sink);
  auto updates = of_kind(sink.actions, ActionKind::update);
  REQUIRE(updates.size() == 1);
  CHECK(updates[0].collection == "inventory.contact_persons");
  CHECK(updates[0].payload == NativeFields{{"last_name", "New"}});
  REQUIRE(updates[0].changes.size() == 1);
  CHECK(updates[0].changes[0].before == "Old");
  CHECK(updates[0].changes[0].after == "New");
  CHECK(updates[0].origin_collection == "crm.contacts");
  CHECK(st.person(p.id)->values[Field::designation] == "Boss");
  CHECK(st.person(p.id)->values[Field::phone].empty());  // to_product: not read from the CRM
}

TEST_CASE("a value longer than the target's limit is a per-record refusal, not a cut") {
  MemoryState st;
  SyncSettings s = two_collections();
  std::vector<Observation> obs{crm_obs({crm_record("1", "d@x.com", "D", std::string(150, 'z'))})};
  CollectingSink sink;
  plan(st, obs, s, 0, sink);
  auto refused = of_kind(sink.actions, ActionKind::refuse);
  REQUIRE(refused.size() == 2);  // inventory (100) and contracts (100)
  CHECK(refused[0].reason.find("not truncated") != std::string::npos);
  CHECK(of_kind(sink.actions, ActionKind::create).empty());
}

TEST_CASE("an unchanged full name is no change, a changed one is split around the known part") {
  MemoryState st;
  SyncSettings s = two_collections();
  s.collections[1].create_target = false;
  s.collections[2].create_target = false;
  std::vector<Observation> obs{crm_obs({crm_record("1", "e@x.com", "Mary Ann", "de la Cruz")})};
  CollectingSink first;
  plan(st, obs, s, 0, first);
  Observation contracts;
  contracts.collection = "contracts.counterparty_contacts";
  ObservedRecord r;
  r.id = "e@x.com";
  r.fields = {{"emailId", "e@x.com"}, {"displayName", "Mary  Ann de la Cruz"}};
  r.modified_ms = 1500;
  contracts.records.push_back(r);
  CollectingSink second;
  std::vector<Observation> obs2{contracts};
  plan(st, obs2, s, 0, second);
  CHECK(of_kind(second.actions, ActionKind::update).empty());
  CHECK(of_kind(second.actions, ActionKind::record_only).empty());
  // The display name changes its last part only.
  contracts.records[0].fields["displayName"] = "Mary Ann Smith";
  contracts.records[0].modified_ms = 3000;
  CollectingSink third;
  std::vector<Observation> obs3{contracts};
  plan(st, obs3, s, 0, third);
  auto person = st.person(1);
  CHECK(person->values[Field::first_name] == "Mary Ann");
  CHECK(person->values[Field::last_name] == "Smith");
  auto updates = of_kind(third.actions, ActionKind::update);
  REQUIRE(updates.size() == 1);
  CHECK(updates[0].payload == NativeFields{{"Last_Name", "Smith"}});
}

TEST_CASE("deletes: an incomplete listing infers nothing, a full one finds the missing") {
  MemoryState st;
  SyncSettings s = two_collections();
  s.collections[1].create_target = false;
  s.collections[2].create_target = false;
  std::vector<Observation> obs{
      crm_obs({crm_record("1", "f@x.com", "F", "One"), crm_record("2", "g@x.com", "G", "Two")})};
  CollectingSink first;
  plan(st, obs, s, 0, first);
  Observation unknown = crm_obs({});
  unknown.complete = false;
  unknown.full = true;
  CollectingSink second;
  std::vector<Observation> obs2{unknown};
  plan(st, obs2, s, 0, second);
  CHECK(of_kind(second.actions, ActionKind::unlink).empty());
  CHECK(st.links().size() == 2);
  Observation full = crm_obs({crm_record("1", "f@x.com", "F", "One")});
  full.full = true;
  CollectingSink third;
  std::vector<Observation> obs3{full};
  plan(st, obs3, s, 5, third);
  auto unlinks = of_kind(third.actions, ActionKind::unlink);
  REQUIRE(unlinks.size() == 1);
  CHECK(unlinks[0].record_id == "2");
  CHECK(st.tombstoned("crm.contacts", "g@x.com"));
}
