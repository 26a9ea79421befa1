// Open conflicts on disk: one per (person, field, collection), so two records
// of one person held on the same field are both kept; dropped with the
// record's link or the person; a schema-1 store's rows, keyed by (person,
// field), are re-keyed when it is opened.
#include <doctest/doctest.h>

#include <string>

#include "mapping/collections.hpp"
#include "state/email_keyed_links.hpp"
#include "state/rows.hpp"
#include "state/store.hpp"
#include "state/tables.hpp"
#include "temp_dir.hpp"

namespace zohosync::state {
namespace {

using mapping::Field;
using testing::TempDir;

constexpr std::string_view kProjects = "projects.contacts";
constexpr std::string_view kContracts = "contracts.counterparty_contacts";

mapping::ConflictRow held(mapping::PersonId person, Field field, std::string_view collection,
                          std::string_view record, std::string_view value) {
  mapping::ConflictRow row;
  row.person = person;
  row.field = field;
  row.collection = std::string(collection);
  row.record_id = std::string(record);
  row.remote_value = std::string(value);
  row.canonical_value = "ann@example.com";
  row.remote_time = 1000;
  row.canonical_time = 900;
  row.opened_ms = 1100;
  return row;
}

mapping::LinkRow link(mapping::PersonId person, std::string_view collection,
                      std::string_view record) {
  mapping::LinkRow row;
  row.person = person;
  row.collection = std::string(collection);
  row.record_id = std::string(record);
  return row;
}

// The key schema 1 gave a conflict row: u64_be person, u8 field.
std::string schema_1_key(mapping::PersonId person, Field field) {
  return encode_u64_key(person) + static_cast<char>(mapping::index_of(field));
}

TEST_CASE("two records of one person held on one field are two conflicts") {
  TempDir tmp;
  auto store = Store::open(tmp.sub("state"));
  auto txn = store.begin_write();
  Tables tables(txn, store);
  tables.put_link(link(7, kProjects, "p1"));
  tables.put_link(link(7, kContracts, "c1"));
  tables.put_conflict(held(7, Field::email, kProjects, "p1", "bob@example.com"));
  tables.put_conflict(held(7, Field::email, kContracts, "c1", "cy@example.com"));
  tables.put_conflict(held(7, Field::last_name, kProjects, "p1", "Berg"));
  tables.put_conflict(held(8, Field::email, kProjects, "p2", "dee@example.com"));

  REQUIRE(tables.conflict(7, Field::email, kProjects));
  CHECK(tables.conflict(7, Field::email, kProjects)->remote_value == "bob@example.com");
  CHECK(tables.conflict(7, Field::email, kContracts)->remote_value == "cy@example.com");
  CHECK_FALSE(tables.conflict(7, Field::first_name, kProjects));
  CHECK(tables.conflicts_of(7).size() == 3);
  CHECK(tables.all_conflicts().size() == 4);

  // Put again on the same record: replaced, not added.
  tables.put_conflict(held(7, Field::email, kProjects, "p1", "bo@example.com"));
  CHECK(tables.conflicts_of(7).size() == 3);
  CHECK(tables.conflict(7, Field::email, kProjects)->remote_value == "bo@example.com");

  tables.erase_conflict(7, Field::email, kContracts);
  CHECK_FALSE(tables.conflict(7, Field::email, kContracts));
  CHECK(tables.conflict(7, Field::email, kProjects));
}

TEST_CASE("erasing a link drops the conflicts held on that record, and only those") {
  TempDir tmp;
  auto store = Store::open(tmp.sub("state"));
  auto txn = store.begin_write();
  Tables tables(txn, store);
  tables.put_link(link(7, kProjects, "p1"));
  tables.put_link(link(7, kContracts, "c1"));
  tables.put_conflict(held(7, Field::email, kProjects, "p1", "bob@example.com"));
  tables.put_conflict(held(7, Field::last_name, kProjects, "p1", "Berg"));
  tables.put_conflict(held(7, Field::email, kContracts, "c1", "cy@example.com"));

  tables.erase_link(kProjects, "p1");
  CHECK_FALSE(tables.conflict(7, Field::email, kProjects));
  CHECK_FALSE(tables.conflict(7, Field::last_name, kProjects));
  REQUIRE(tables.conflicts_of(7).size() == 1);
  CHECK(tables.conflicts_of(7).front().collection == kContracts);

  tables.erase_person(7);
  CHECK(tables.conflicts_of(7).empty());
  CHECK(tables.all_conflicts().empty());
}

TEST_CASE("a Contracts link moved from its email onto its id keeps the conflicts held on it") {
  TempDir tmp;
  auto store = Store::open(tmp.sub("state"));
  auto txn = store.begin_write();
  Tables tables(txn, store);
  tables.put_link(link(7, kContracts, "ann@example.com"));
  tables.put_conflict(held(7, Field::last_name, kContracts, "ann@example.com", "Berg"));
  txn.put(store.db("meta"), kMetaEmailKeyedLinks, "1");
  mapping::Observation listed;
  listed.collection = std::string(kContracts);
  listed.full = true;
  mapping::ObservedRecord contact;
  contact.id = "c-9";
  contact.fields[std::string(mapping::find_collection(kContracts)->email_field())] =
      "Ann@Example.com";
  listed.records.push_back(contact);

  CHECK(rekey_email_keyed_links(txn, store, tables, listed) == 1);
  CHECK(tables.link(kContracts, "c-9"));
  auto moved = tables.conflict(7, Field::last_name, kContracts);
  REQUIRE(moved);
  CHECK(moved->record_id == "c-9");
  CHECK(moved->remote_value == "Berg");
}

TEST_CASE("a conflict put in a transaction that first found none is seen at once") {
  TempDir tmp;
  auto store = Store::open(tmp.sub("state"));
  auto txn = store.begin_write();
  Tables tables(txn, store);
  CHECK_FALSE(tables.conflict(7, Field::email, kProjects));  // known empty from here
  CHECK(tables.conflicts_of(7).empty());
  tables.put_conflict(held(7, Field::email, kProjects, "p1", "bob@example.com"));
  CHECK(tables.conflict(7, Field::email, kProjects));
  CHECK(tables.conflicts_of(7).size() == 1);
}

TEST_CASE("opening a schema 1 store re-keys its conflicts by collection") {
  TempDir tmp;
  const std::string dir = tmp.sub("state");
  const auto first = held(7, Field::email, kProjects, "p1", "bob@example.com");
  const auto second = held(7, Field::last_name, kContracts, "c1", "Berg");
  const auto other = held(8, Field::email, kContracts, "c2", "cy@example.com");
  Store::open(dir);
  {
    // Written with the raw layer, as schema 1 zohosync did.
    auto env = Env::open(dir, Env::Options{});
    auto txn = WriteTxn::begin(env);
    auto conflicts = txn.open_dbi("conflicts", false);
    auto meta = txn.open_dbi("meta", false);
    REQUIRE(conflicts.present());
    REQUIRE(meta.present());
    for (const auto* row : {&first, &second, &other})
      txn.put(conflicts, schema_1_key(row->person, row->field), encode_conflict(*row));
    txn.put(meta, kMetaSchemaVersion, "1");
    std::move(txn).commit();
  }

  auto store = Store::open(dir);
  CHECK(store.schema_version() == kSchemaVersion);
  auto txn = store.begin_write();
  Tables tables(txn, store);
  auto found = tables.conflict(7, Field::email, kProjects);
  REQUIRE(found);
  CHECK(found->record_id == "p1");
  CHECK(found->remote_value == "bob@example.com");
  CHECK(found->opened_ms == first.opened_ms);
  REQUIRE(tables.conflict(7, Field::last_name, kContracts));
  CHECK(tables.conflict(7, Field::last_name, kContracts)->remote_value == "Berg");
  REQUIRE(tables.conflict(8, Field::email, kContracts));
  CHECK(tables.conflicts_of(7).size() == 2);
  // Nothing is left under a schema 1 key.
  CHECK(tables.all_conflicts().size() == 3);
  for (const auto* row : {&first, &second, &other})
    CHECK_FALSE(txn.get(store.db("conflicts"), schema_1_key(row->person, row->field)));

  // A second record of the person held on email is kept beside the first.
  tables.put_conflict(held(7, Field::email, kContracts, "c1", "cy@example.com"));
  CHECK(tables.conflict(7, Field::email, kProjects));
  CHECK(tables.conflicts_of(7).size() == 3);
}

TEST_CASE("a schema 2 store's conflicts are left as they are when reopened") {
  TempDir tmp;
  const std::string dir = tmp.sub("state");
  {
    auto store = Store::open(dir);
    auto txn = store.begin_write();
    Tables tables(txn, store);
    tables.put_conflict(held(7, Field::email, kProjects, "p1", "bob@example.com"));
    tables.put_conflict(held(7, Field::email, kContracts, "c1", "cy@example.com"));
    std::move(txn).commit();
  }
  auto store = Store::open(dir);
  auto txn = store.begin_write();
  Tables tables(txn, store);
  CHECK(tables.conflicts_of(7).size() == 2);
  CHECK(tables.conflict(7, Field::email, kProjects));
  CHECK(tables.conflict(7, Field::email, kContracts));
}

}  // namespace
}  // namespace zohosync::state
