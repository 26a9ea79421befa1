// A delete propagated to a product that does not answer waits in the outbox
// like any write: it survives a restart, shows as pending in the state's
// status, and is carried out once the product answers.
#include <doctest/doctest.h>

#include "mapping/normalize.hpp"
#include "state/status.hpp"
#include "tests/engine/world.hpp"

using namespace zohosync;
using namespace zohosync::testing;

namespace {

mapping::SyncSettings propagating() {
  mapping::SyncSettings s = default_settings();
  s.on_delete = mapping::OnDelete::propagate;
  return s;
}

std::optional<std::string> id_with_email(World& w, const std::string& collection,
                                         const std::string& email) {
  const auto* spec = mapping::find_collection(collection);
  for (const auto& [id, r] : w.product(collection).records()) {
    auto it = r.fields.find(std::string(spec->email_field()));
    if (it != r.fields.end() && mapping::normalize_email(it->second) == email)
      return id;
  }
  return std::nullopt;
}

state::OutboxCounts pending_in(World& w, const std::string& collection) {
  state::OutboxCounts counts;
  w.while_stopped([&](const std::string& dir) {
    state::OpenOptions read_only;
    read_only.mode = state::OpenMode::read_only;
    const auto status = state::read_status(state::Store::open(dir, read_only));
    if (auto it = status.pending.find(collection); it != status.pending.end())
      counts = it->second;
  });
  return counts;
}

}  // namespace

TEST_CASE("a delete propagated while the target product is down waits in the outbox") {
  World w(propagating());
  const std::string crm_id = w.add(kCrm, "ann@x.example", "Ann", "Lee");
  w.add(kCrm, "bob@x.example", "Bob", "Ray");
  w.run();
  REQUIRE(w.run().planned_writes == 0);
  REQUIRE(id_with_email(w, kProjects, "ann@x.example"));
  REQUIRE(id_with_email(w, kContracts, "ann@x.example"));

  w.product(kProjects).set_unreachable(true);
  w.product(kCrm).erase(crm_id);
  w.reset_counters();
  auto report = w.run();
  CHECK_FALSE(report.fatal);
  // The products that answered lost Ann at once.
  CHECK_FALSE(id_with_email(w, kInvPersons, "ann@x.example"));
  CHECK_FALSE(id_with_email(w, kContracts, "ann@x.example"));
  // Projects keeps her for now; its delete waits, without a call spent on a
  // product whose listing did not answer this cycle.
  CHECK(id_with_email(w, kProjects, "ann@x.example"));
  CHECK(w.product(kProjects).calls(connectors::Op::remove) == 0);
  CHECK(report.pending == 1);
  CHECK(w.outbox_size() == 1);
  const auto waiting = pending_in(w, kProjects);
  CHECK(waiting.deletes == 1);
  CHECK(waiting.creates + waiting.updates == 0);

  // Across a restart, with Projects still down (its writes fail too): the
  // resumed delete is tried once, and waits again.
  w.restart();
  w.product(kProjects).fail_op(connectors::Op::remove, connectors::ErrorClass::transient, 1);
  const auto resumed = w.run();
  CHECK(resumed.resumed == 1);
  CHECK(w.product(kProjects).calls(connectors::Op::remove) == 1);
  CHECK(id_with_email(w, kProjects, "ann@x.example"));
  CHECK(w.outbox_size() == 1);

  // Projects answers again: the delete goes through, and nothing comes back.
  w.product(kProjects).set_unreachable(false);
  w.run();
  CHECK_FALSE(id_with_email(w, kProjects, "ann@x.example"));
  CHECK(w.outbox_size() == 0);
  CHECK(pending_in(w, kProjects).deletes == 0);
  CHECK_FALSE(w.person_by_email("ann@x.example"));
  CHECK(w.run().planned_writes == 0);
  for (const auto& collection : kAll)
    CHECK_FALSE(id_with_email(w, collection, "ann@x.example"));
  CHECK(id_with_email(w, kProjects, "bob@x.example"));  // the others untouched
  CHECK(disagreements(w).empty());
}

TEST_CASE("a pending update of a record is replaced by its propagated delete") {
  World w(propagating());
  const std::string crm_id = w.add(kCrm, "ann@x.example", "Ann", "Lee");
  w.run();
  REQUIRE(w.run().planned_writes == 0);
  const auto projects_id = id_with_email(w, kProjects, "ann@x.example");
  REQUIRE(projects_id);
  // An update to Projects fails on its own (the product answers listings):
  // it stays pending.
  w.product(kProjects).refuse_record(*projects_id, connectors::ErrorClass::transient);
  w.product(kCrm).edit(crm_id, "Last_Name", "Leigh");
  w.run();
  REQUIRE(pending_in(w, kProjects).updates == 1);
  // Then Ann is deleted in CRM: the delete replaces the update.
  w.product(kCrm).erase(crm_id);
  w.product(kProjects).set_unreachable(true);
  w.run();
  const auto waiting = pending_in(w, kProjects);
  CHECK(waiting.deletes == 1);
  CHECK(waiting.updates == 0);
}

TEST_CASE("a confirmed delete drops the conflict held on the deleted record") {
  // Ann's Projects record is held on Bob's email when Ann is deleted in CRM:
  // Projects takes its delete, Contracts is down and Ann waits for it. The
  // conflict named a record no longer linked, stayed listed by `zohosync
  // conflicts` and resolving it took the deleted record's value.
  World w(propagating());
  const std::string crm_id = w.add(kCrm, "ann@x.example", "Ann", "Lee");
  w.add(kCrm, "bob@x.example", "Bob", "Ray");
  w.run();
  REQUIRE(w.run().planned_writes == 0);
  const auto projects_id = id_with_email(w, kProjects, "ann@x.example");
  REQUIRE(projects_id);
  w.product(kProjects).edit(*projects_id, "email", "bob@x.example");
  w.run();
  REQUIRE(w.conflicts().size() == 1);
  REQUIRE(w.conflicts().front().record_id == *projects_id);

  w.product(kContracts).set_unreachable(true);
  w.product(kCrm).erase(crm_id);
  w.run();
  CHECK_FALSE(w.product(kProjects).get(*projects_id));
  CHECK(pending_in(w, kContracts).deletes == 1);
  CHECK(w.conflicts().empty());
  CHECK(disagreements(w).empty());
}

TEST_CASE("a create waiting in the outbox is dropped when its person is deleted everywhere") {
  // Ann's create in Projects fails and waits; it still fails while Ann is
  // deleted in CRM (propagate). Sent once Projects takes it, the create
  // would bring Ann back there.
  World w(propagating());
  const std::string crm_id = w.add(kCrm, "ann@x.example", "Ann", "Lee");
  w.add(kCrm, "bob@x.example", "Bob", "Ray");
  w.product(kProjects).fail_op(connectors::Op::create, connectors::ErrorClass::transient, 1);
  w.run();
  REQUIRE(pending_in(w, kProjects).creates == 1);
  REQUIRE(id_with_email(w, kInvPersons, "ann@x.example"));

  // Failing again when resumed, and when sent after the plan.
  w.product(kProjects).fail_op(connectors::Op::create, connectors::ErrorClass::transient, 2);
  w.product(kCrm).erase(crm_id);
  w.run();
  REQUIRE_FALSE(id_with_email(w, kInvPersons, "ann@x.example"));

  const auto report = w.run();
  CHECK_FALSE(report.fatal);
  CHECK(report.failures.empty());
  CHECK(w.outbox_size() == 0);
  CHECK(w.run().planned_writes == 0);
  for (const auto& collection : kAll)
    CHECK_FALSE(id_with_email(w, collection, "ann@x.example"));
  CHECK_FALSE(w.person_by_email("ann@x.example"));
  CHECK(id_with_email(w, kProjects, "bob@x.example"));
  CHECK(disagreements(w).empty());
}
