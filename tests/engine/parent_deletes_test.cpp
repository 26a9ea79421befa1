// Deletes a product reports by omission: inventory.contact_persons re-reads
// every person of a changed contact and names the contact complete instead of
// naming deleted persons. The engine infers the deletes from its links, so a
// restarted process (which remembers no earlier listing) sees them too.
#include <doctest/doctest.h>

#include "mapping/normalize.hpp"
#include "tests/engine/world.hpp"

using namespace zohosync;
using namespace zohosync::testing;

namespace {

std::optional<connectors::Record> find_email(World& w, const std::string& collection,
                                             const std::string& email) {
  const auto* spec = mapping::find_collection(collection);
  for (const auto& [id, r] : w.product(collection).records()) {
    auto it = r.fields.find(std::string(spec->email_field()));
    if (it != r.fields.end() &&
        mapping::normalize_email(it->second) == mapping::normalize_email(email)) {
      return r;
    }
  }
  return std::nullopt;
}

// Inventory persons list like the real connector: by parent, no deleted ids.
void by_parent(connectors::MemoryOptions& options) {
  if (options.collection == kInvPersons)
    options.deletes_by_parent = true;
}

std::optional<mapping::LinkRow> link_of(World& w, const std::string& collection,
                                        const std::string& record_id) {
  for (const auto& link : w.links()) {
    if (link.collection == collection && link.record_id == record_id)
      return link;
  }
  return std::nullopt;
}

}  // namespace

TEST_CASE("a person deleted under a re-read parent is seen by a restarted process") {
  auto settings = default_settings();
  settings.on_delete = mapping::OnDelete::propagate;
  World w(settings, by_parent);
  w.add(kCrm, "gone@example.com", "Gone", "Soon");
  w.add(kCrm, "stays@example.com", "Stays", "Here");
  w.run();
  const auto victim = find_email(w, kInvPersons, "gone@example.com");
  const auto neighbour = find_email(w, kInvPersons, "stays@example.com");
  REQUIRE(victim);
  REQUIRE(neighbour);
  REQUIRE(victim->parent_id == neighbour->parent_id);  // both under the default contact

  w.product(kInvPersons).erase(victim->id);
  w.restart();
  auto report = w.run();
  CHECK(report.ok());
  CHECK(report.collections[kInvPersons].deletes == 0);  // already gone there
  for (const auto& id : kAll)
    CHECK_FALSE(find_email(w, id, "gone@example.com"));
  CHECK_FALSE(w.person_by_email("gone@example.com"));
  // The neighbour under the same parent, listed again, is untouched.
  CHECK(find_email(w, kCrm, "stays@example.com"));
  CHECK(find_email(w, kInvPersons, "stays@example.com"));
  CHECK(link_of(w, kInvPersons, neighbour->id));
  w.forbid_writes(true);
  auto quiet = w.run();
  CHECK(quiet.planned_writes == 0);
  CHECK(w.total_violations() == 0);
}

TEST_CASE("unlink policy: the vanished person's link goes, no re-creation") {
  World w(default_settings(), by_parent);
  w.add(kCrm, "u@example.com", "Una", "Link");
  w.run();
  const auto victim = find_email(w, kInvPersons, "u@example.com");
  REQUIRE(victim);
  w.product(kInvPersons).erase(victim->id);
  w.restart();
  auto report = w.run();
  CHECK(report.collections[kInvPersons].unlinks == 1);
  CHECK(report.collections[kInvPersons].creates == 0);
  CHECK_FALSE(link_of(w, kInvPersons, victim->id));
  CHECK(find_email(w, kCrm, "u@example.com"));
  CHECK_FALSE(find_email(w, kInvPersons, "u@example.com"));
}

TEST_CASE("a person moved to another parent in the same listing is not deleted") {
  auto settings = default_settings();
  settings.on_delete = mapping::OnDelete::propagate;
  World w(settings, by_parent);
  w.add(kCrm, "mover@example.com", "Mo", "Ver");
  w.run();
  auto moved = find_email(w, kInvPersons, "mover@example.com");
  REQUIRE(moved);
  const std::string from = moved->parent_id;
  moved->parent_id = "contact-2";
  w.product(kInvPersons).put(*moved);  // the old parent is re-read without it
  w.restart();
  auto report = w.run();
  CHECK(report.ok());
  CHECK(report.collections[kInvPersons].unlinks == 0);
  CHECK(report.planned_writes == 0);
  for (const auto& id : {kInvPersons, kProjects, kCrm, kContracts})  // the create targets
    CHECK(find_email(w, id, "mover@example.com"));
  auto link = link_of(w, kInvPersons, moved->id);
  REQUIRE(link);
  CHECK(link->parent_id == "contact-2");
  CHECK(from != "contact-2");
}

TEST_CASE("a listing that fails infers no delete") {
  auto settings = default_settings();
  settings.on_delete = mapping::OnDelete::propagate;
  World w(settings, by_parent);
  w.add(kCrm, "kept@example.com", "Kept", "Safe");
  w.run();
  const auto record = find_email(w, kInvPersons, "kept@example.com");
  REQUIRE(record);
  w.product(kInvPersons).erase(record->id);
  w.product(kInvPersons).set_unreachable(true);
  auto report = w.run();
  CHECK(report.collections[kInvPersons].unlinks == 0);
  CHECK(report.collections[kCrm].deletes == 0);
  CHECK(find_email(w, kCrm, "kept@example.com"));
  // Reachable again: the delete is seen.
  w.product(kInvPersons).set_unreachable(false);
  w.run();
  CHECK_FALSE(find_email(w, kCrm, "kept@example.com"));
}
