// A state dir written when Contracts contacts were keyed by their email
// (schema 1) keeps working: its links take the contacts' ids on first contact,
// nobody is created again, and an email then changed in Contracts is an edit.
#include <doctest/doctest.h>

#include "mapping/normalize.hpp"
#include "state/email_keyed_links.hpp"
#include "state/tables.hpp"
#include "tests/engine/world.hpp"

using namespace zohosync;
using namespace zohosync::testing;

namespace {

// Rewrites the state as schema 1 had it: every Contracts link keyed by the
// contact's email, schema_version 1, no migration mark.
void as_schema_1(const std::string& state_dir) {
  auto store = state::Store::open(state_dir);
  auto txn = store.begin_write();
  state::Tables tables(txn, store);
  std::vector<mapping::LinkRow> links;
  tables.for_each_link(kContracts, [&](const mapping::LinkRow& l) { links.push_back(l); });
  for (mapping::LinkRow link : links) {
    tables.erase_link(kContracts, link.record_id);
    link.record_id = link.base[mapping::Field::email];
    REQUIRE(link.record_id.find('@') != std::string::npos);
    tables.put_link(link);
  }
  txn.put(store.db("meta"), state::kMetaSchemaVersion, "1");
  txn.del(store.db("meta"), state::kMetaEmailKeyedLinks);
  std::move(txn).commit();
}

std::size_t contracts_links(World& w, bool email_keyed) {
  std::size_t n = 0;
  for (const auto& link : w.links()) {
    if (link.collection == kContracts &&
        (link.record_id.find('@') != std::string::npos) == email_keyed)
      ++n;
  }
  return n;
}

bool marked(World& w) {
  bool mark = false;
  w.while_stopped([&](const std::string& dir) {
    auto store = state::Store::open(dir);
    auto txn = store.begin_read();
    mark = state::has_email_keyed_links(txn, store);
  });
  return mark;
}

}  // namespace

TEST_CASE("schema 1 state: Contracts links keyed by email take the ids, nothing is re-created") {
  World w;
  w.add(kCrm, "ann@x.example", "Ann", "Lee");
  w.add(kContracts, "bob@x.example", "Bob", "Ray");
  w.add(kProjects, "cy@x.example", "Cy", "Doe");
  w.run();
  REQUIRE(w.run().planned_writes == 0);
  REQUIRE(contracts_links(w, false) == 3);
  const std::size_t people = w.people().size();

  w.while_stopped(as_schema_1);
  // Reopening a schema 1 store migrates it to the current schema and marks it.
  CHECK(marked(w));
  CHECK(contracts_links(w, true) == 3);

  w.reset_counters();
  auto report = w.run();
  CHECK(report.planned_writes == 0);
  CHECK(w.total_writes() == 0);
  CHECK(report.collections[kContracts].unlinks == 0);
  CHECK(report.collections[kContracts].duplicates == 0);
  CHECK(contracts_links(w, true) == 0);
  CHECK(contracts_links(w, false) == 3);
  CHECK(w.people().size() == people);
  CHECK_FALSE(marked(w));  // done: later cycles look no more

  // Now an email changed in Contracts is an edit like anywhere else.
  std::string bob;
  for (const auto& [id, r] : w.product(kContracts).records()) {
    if (r.fields.at("emailId") == "bob@x.example")
      bob = id;
  }
  REQUIRE_FALSE(bob.empty());
  w.product(kContracts).edit(bob, "emailId", "robert@x.example");
  auto moved = w.run();
  CHECK(moved.total(&daemon::CollectionCounts::creates) == 0);
  CHECK(w.person_by_email("robert@x.example").has_value());
  CHECK_FALSE(w.person_by_email("bob@x.example").has_value());
  CHECK(w.people().size() == people);
  CHECK(disagreements(w).empty());
}

TEST_CASE("schema 1 state: a link whose email Contracts no longer lists is a record gone") {
  World w;
  w.add(kCrm, "ann@x.example", "Ann", "Lee");
  w.run();
  REQUIRE(w.run().planned_writes == 0);
  w.while_stopped(as_schema_1);
  // Edited in Contracts while the old version was no longer running: the id
  // is unknown to the old link, so it is unlinked (default policy) and the
  // record under its new email is a new person, as before the upgrade.
  for (const auto& [id, r] : w.product(kContracts).records())
    w.product(kContracts).edit(id, "emailId", "ann.new@x.example");
  auto report = w.run();
  CHECK(report.collections[kContracts].unlinks == 1);
  CHECK(contracts_links(w, true) == 0);
  w.run();  // the next listing finds no link keyed by email: the mark goes
  CHECK_FALSE(marked(w));
}
