// Held conflicts are per record: two records of one person held on the same
// field are two conflicts, each settled, resolved or dropped on its own
// (planner and resolve_conflict on MemoryState).
#include <doctest/doctest.h>

#include "mapping/memory_state.hpp"
#include "mapping/planner.hpp"
#include "mapping/resolve.hpp"

using namespace zohosync::mapping;

namespace {

constexpr const char* kCrm = "crm.contacts";
constexpr const char* kInv = "inventory.contact_persons";
constexpr const char* kProjects = "projects.contacts";

SyncSettings manual() {
  SyncSettings s;
  for (const char* id : {kCrm, kInv, kProjects}) {
    CollectionSettings c;
    c.id = id;
    s.collections.push_back(c);
  }
  s.conflict_policy = ConflictPolicy::manual;
  s.flip_limit = 0;
  return s;
}

ObservedRecord record(const std::string& collection, std::string id, std::string last,
                      std::int64_t modified) {
  ObservedRecord r;
  r.id = std::move(id);
  if (collection == kCrm) {
    r.fields = {{"Email", "ann@x.com"}, {"First_Name", "Ann"}, {"Last_Name", last}};
  } else {
    r.fields = {{"email", "ann@x.com"}, {"first_name", "Ann"}, {"last_name", last}};
  }
  r.modified_ms = modified;
  r.created_ms = 1;
  return r;
}

Observation listing(const std::string& collection, std::vector<ObservedRecord> records,
                    bool full = false) {
  Observation o;
  o.collection = collection;
  o.records = std::move(records);
  o.full = full;
  return o;
}

// Ann Lee, linked in all three collections, every base agreeing with her.
PersonId ann(MemoryState& st) {
  PersonRow p;
  p.id = st.allocate_person_id();
  p.values[Field::email] = "ann@x.com";
  p.values[Field::first_name] = "Ann";
  p.values[Field::last_name] = "Lee";
  for (auto& origin : p.origins)
    origin = {100, kCrm};
  st.put_person(p);
  st.put_email("ann@x.com", p.id);
  for (const auto& [collection, id] :
       {std::pair{kCrm, "c1"}, std::pair{kInv, "i1"}, std::pair{kProjects, "p1"}}) {
    LinkRow link;
    link.collection = collection;
    link.record_id = id;
    link.person = p.id;
    link.base = p.values;
    link.remote_time = 100;
    st.put_link(link);
  }
  return p.id;
}

// CRM changes the last name to Stone, Inventory to Berg and Projects to Ng
// in one cycle: the person takes Stone, the other two are held.
void hold_two(MemoryState& st, CollectingSink& sink) {
  std::vector<Observation> obs{listing(kCrm, {record(kCrm, "c1", "Stone", 200)}),
                               listing(kInv, {record(kInv, "i1", "Berg", 300)}),
                               listing(kProjects, {record(kProjects, "p1", "Ng", 300)})};
  plan(st, obs, manual(), 1000, sink);
}

std::size_t held_actions(const std::vector<Action>& actions) {
  std::size_t n = 0;
  for (const auto& a : actions)
    n += a.kind == ActionKind::conflict && a.held ? 1 : 0;
  return n;
}

std::vector<Action> updates_to(const std::vector<Action>& actions, const std::string& collection) {
  std::vector<Action> out;
  for (const auto& a : actions) {
    if (a.kind == ActionKind::update && a.collection == collection)
      out.push_back(a);
  }
  return out;
}

}  // namespace

TEST_CASE("two records of one person held on one field are two conflicts, neither written") {
  MemoryState st;
  const PersonId id = ann(st);
  CollectingSink sink;
  hold_two(st, sink);
  CHECK(st.person(id)->values[Field::last_name] == "Stone");
  CHECK(held_actions(sink.actions) == 2);
  CHECK(st.conflicts().size() == 2);
  REQUIRE(st.conflict(id, Field::last_name, kInv));
  CHECK(st.conflict(id, Field::last_name, kInv)->remote_value == "Berg");
  REQUIRE(st.conflict(id, Field::last_name, kProjects));
  CHECK(st.conflict(id, Field::last_name, kProjects)->record_id == "p1");
  CHECK(updates_to(sink.actions, kInv).empty());
  CHECK(updates_to(sink.actions, kProjects).empty());

  // The same listing again: already held, nothing reported twice.
  CollectingSink again;
  hold_two(st, again);
  CHECK(held_actions(again.actions) == 0);
  CHECK(st.conflicts().size() == 2);
}

TEST_CASE("one of two held records agreeing again settles its conflict only") {
  MemoryState st;
  const PersonId id = ann(st);
  CollectingSink first;
  hold_two(st, first);
  CollectingSink sink;
  std::vector<Observation> obs{listing(kInv, {record(kInv, "i1", "Stone", 400)})};
  plan(st, obs, manual(), 2000, sink);
  CHECK_FALSE(st.conflict(id, Field::last_name, kInv));
  REQUIRE(st.conflict(id, Field::last_name, kProjects));
  CHECK(st.conflicts_of(id).size() == 1);
  // Projects still holds its edit: nothing is written over it.
  CollectingSink push;
  const PersonId people[] = {id};
  plan_push(st, people, manual(), 2000, push);
  CHECK(updates_to(push.actions, kProjects).empty());
}

TEST_CASE("a record deleted while held drops its conflict, the other record's stays") {
  MemoryState st;
  const PersonId id = ann(st);
  CollectingSink first;
  hold_two(st, first);
  SyncSettings s = manual();
  s.on_delete = OnDelete::unlink;
  s.mass_delete_min = 10;
  CollectingSink sink;
  std::vector<Observation> obs{listing(kProjects, {}, /*full=*/true)};
  plan(st, obs, s, 2000, sink);
  CHECK_FALSE(st.link(kProjects, "p1"));
  CHECK_FALSE(st.conflict(id, Field::last_name, kProjects));
  CHECK(st.conflict(id, Field::last_name, kInv));
}

TEST_CASE("erase_link drops the conflicts naming that record, erase_person all of them") {
  MemoryState st;
  const PersonId id = ann(st);
  CollectingSink first;
  hold_two(st, first);
  st.erase_link(kInv, "i1");
  CHECK_FALSE(st.conflict(id, Field::last_name, kInv));
  CHECK(st.conflict(id, Field::last_name, kProjects));
  st.erase_person(id);
  CHECK(st.conflicts().empty());
}

TEST_CASE("resolving one of two conflicts on a field needs its collection") {
  MemoryState st;
  const PersonId id = ann(st);
  CollectingSink first;
  hold_two(st, first);

  auto error = resolve_conflict(st, id, Field::last_name, Take::record, 3000);
  REQUIRE(error);
  CHECK(error->find("several open conflicts") != std::string::npos);
  CHECK(error->find(kInv) != std::string::npos);
  CHECK(error->find(kProjects) != std::string::npos);
  CHECK(st.conflicts().size() == 2);
  CHECK(resolve_conflict(st, id, Field::first_name, kInv, Take::record, 3000));

  // Projects' value wins: the person takes Ng, Inventory stays held.
  CHECK_FALSE(resolve_conflict(st, id, Field::last_name, kProjects, Take::record, 3000));
  CHECK(st.person(id)->values[Field::last_name] == "Ng");
  CHECK(st.person(id)->origins[index_of(Field::last_name)].collection == kProjects);
  CHECK(st.link(kProjects, "p1")->base[Field::last_name] == "Ng");
  CHECK_FALSE(st.conflict(id, Field::last_name, kProjects));
  REQUIRE(st.conflict(id, Field::last_name, kInv));

  // The one left needs no collection; the person's value is kept.
  CHECK_FALSE(resolve_conflict(st, id, Field::last_name, Take::person, 3000));
  CHECK(st.conflicts().empty());
  CHECK(st.person(id)->values[Field::last_name] == "Ng");
  CollectingSink push;
  const PersonId people[] = {id};
  plan_push(st, people, manual(), 3000, push);
  auto inv = updates_to(push.actions, kInv);
  REQUIRE(inv.size() == 1);
  CHECK(inv[0].payload.at("last_name") == "Ng");
  CHECK(updates_to(push.actions, kCrm).size() == 1);
  CHECK(updates_to(push.actions, kProjects).empty());
}
