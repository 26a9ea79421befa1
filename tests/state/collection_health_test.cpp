// What `zohosync status` reads per collection: each cycle's outcome as the
// last cycles left it, and the records linked, quarantined and held in
// conflict, counted from the tables themselves.
#include <doctest/doctest.h>

#include "state/collection_health.hpp"
#include "state/status.hpp"
#include "state/store.hpp"
#include "state/tables.hpp"
#include "temp_dir.hpp"

namespace zohosync::state {
namespace {

using testing::TempDir;

void link(Tables& tables, mapping::PersonId person, const char* collection, const char* record) {
  mapping::LinkRow row;
  row.collection = collection;
  row.record_id = record;
  row.person = person;
  tables.put_link(row);
}

}  // namespace

TEST_CASE(
    "collection health: a failure is kept with its reason, a later success does not erase it") {
  TempDir tmp;
  auto store = Store::open(tmp.sub("state"));
  {
    auto txn = store.begin_write();
    record_cycle_outcome(txn, store, "crm.contacts", 1000, "", 61000);
    record_cycle_outcome(txn, store, "projects.contacts", 1000, "cannot reach projects: refused");
    std::move(txn).commit();
  }
  auto report = read_status(store);
  REQUIRE(report.health.count("crm.contacts") == 1);
  CHECK(report.health.at("crm.contacts").last_success_ms == 1000);
  CHECK(report.health.at("crm.contacts").last_failure_ms == 0);
  CHECK(report.health.at("crm.contacts").next_poll_ms == 61000);
  const auto& projects = report.health.at("projects.contacts");
  CHECK(projects.last_failure_ms == 1000);
  CHECK(projects.last_success_ms == 0);
  CHECK(projects.last_error == "cannot reach projects: refused");

  {
    auto txn = store.begin_write();
    record_cycle_outcome(txn, store, "projects.contacts", 2000, "");
    // A reason longer than a person reads is cut, at a character.
    record_cycle_outcome(txn, store, "crm.contacts", 3000, std::string(499, 'x') + "é and more");
    std::move(txn).commit();
  }
  report = read_status(store);
  CHECK(report.health.at("projects.contacts").last_success_ms == 2000);
  CHECK(report.health.at("projects.contacts").last_failure_ms == 1000);
  CHECK(report.health.at("projects.contacts").last_error == "cannot reach projects: refused");
  CHECK(report.health.at("crm.contacts").last_error == std::string(499, 'x'));
  CHECK(report.health.at("crm.contacts").next_poll_ms == 61000);  // kept when not given
}

TEST_CASE("read_status counts linked, quarantined and conflicted records per collection") {
  TempDir tmp;
  auto store = Store::open(tmp.sub("state"));
  {
    auto txn = store.begin_write();
    Tables tables(txn, store);
    mapping::PersonRow ada;
    ada.id = 1;
    tables.put_person(ada);
    mapping::PersonRow bob;
    bob.id = 2;
    bob.quarantined = true;
    tables.put_person(bob);
    link(tables, 1, "crm.contacts", "c1");
    link(tables, 1, "projects.contacts", "p1");
    link(tables, 2, "crm.contacts", "c2");
    link(tables, 2, "inventory.users", "u2");
    mapping::ConflictRow conflict;
    conflict.person = 1;
    conflict.field = mapping::Field::last_name;
    conflict.collection = "projects.contacts";
    conflict.record_id = "p1";
    tables.put_conflict(conflict);
    std::move(txn).commit();
  }
  const auto report = read_status(store);
  CHECK(report.linked.at("crm.contacts") == 2);
  CHECK(report.linked.at("projects.contacts") == 1);
  CHECK(report.linked.at("inventory.users") == 1);
  CHECK(report.quarantined.at("crm.contacts") == 1);
  CHECK(report.quarantined.at("inventory.users") == 1);
  CHECK(report.quarantined.count("projects.contacts") == 0);
  CHECK(report.conflicts.at("projects.contacts") == 1);
  CHECK(report.conflicts.count("crm.contacts") == 0);
}

}  // namespace zohosync::state
