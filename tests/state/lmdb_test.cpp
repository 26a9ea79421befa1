// The RAII layer: transactions roll back unless committed, data survives a
// reopen, cursors iterate in key order, map full is a typed error.
#include <doctest/doctest.h>

#include <optional>
#include <stdexcept>
#include <string>
#include <thread>

#include "state/store.hpp"
#include "temp_dir.hpp"

namespace zohosync::state {
namespace {

using testing::TempDir;

TEST_CASE("an exception inside a write transaction rolls it back") {
  TempDir tmp;
  auto store = Store::open(tmp.sub("state"));
  try {
    auto txn = store.begin_write();
    txn.put(store.db("people"), "p1", "Ada");
    CHECK(txn.get(store.db("people"), "p1") == "Ada");  // visible inside the transaction
    throw std::runtime_error("planner failed");
  } catch (const std::runtime_error&) {
  }
  auto txn = store.begin_read();
  CHECK_FALSE(txn.get(store.db("people"), "p1").has_value());
  CHECK(txn.count(store.db("people")) == 0);
}

TEST_CASE("commit persists and a reopened store sees the data") {
  TempDir tmp;
  std::string dir = tmp.sub("state");
  {
    auto store = Store::open(dir);
    auto txn = store.begin_write();
    txn.put(store.db("people"), "p1", "Ada");
    txn.put(store.db("emails"), "ada@example.com", "p1");
    std::move(txn).commit();
    CHECK(store.begin_read().get(store.db("people"), "p1") == "Ada");
  }
  auto store = Store::open(dir);
  auto txn = store.begin_read();
  CHECK(txn.get(store.db("people"), "p1") == "Ada");
  CHECK(txn.get(store.db("emails"), "ada@example.com") == "p1");
  CHECK_FALSE(txn.get(store.db("emails"), "bob@example.com").has_value());
}

TEST_CASE("a transaction cannot be used after commit") {
  TempDir tmp;
  auto store = Store::open(tmp.sub("state"));
  auto txn = store.begin_write();
  txn.put(store.db("people"), "p1", "Ada");
  std::move(txn).commit();
  CHECK_FALSE(txn.active());
  CHECK_THROWS_AS(txn.put(store.db("people"), "p2", "Bob"), Error);
}

TEST_CASE("a read transaction cannot create a database") {
  TempDir tmp;
  auto store = Store::open(tmp.sub("state"));
  auto txn = store.begin_read();
  CHECK(txn.open_dbi("people", false).present());
  CHECK_FALSE(txn.open_dbi("not_there", false).present());
  CHECK_THROWS_AS(txn.open_dbi("not_there", true), Error);
}

TEST_CASE("put, overwrite, delete and clear") {
  TempDir tmp;
  auto store = Store::open(tmp.sub("state"));
  auto people = store.db("people");
  auto txn = store.begin_write();
  txn.put(people, "p1", "Ada");
  txn.put(people, "p1", "Ada Lovelace");
  CHECK(txn.get(people, "p1") == "Ada Lovelace");
  try {
    txn.put(people, "p1", "other", MDB_NOOVERWRITE);
    FAIL("MDB_NOOVERWRITE accepted an existing key");
  } catch (const Error& e) {
    CHECK(e.lmdb_code() == MDB_KEYEXIST);
  }
  CHECK(txn.del(people, "p1"));
  CHECK_FALSE(txn.del(people, "p1"));
  txn.put(people, "a", "1");
  txn.put(people, "b", "2");
  txn.clear(people);
  CHECK(txn.count(people) == 0);
  std::move(txn).commit();
}

TEST_CASE("keys and values are bytes, including NUL") {
  TempDir tmp;
  auto store = Store::open(tmp.sub("state"));
  std::string key("k\0ey", 4);
  std::string value("\0\xff\x01", 3);
  auto txn = store.begin_write();
  txn.put(store.db("links"), key, value);
  std::move(txn).commit();
  CHECK(store.begin_read().get(store.db("links"), key) == value);
}

TEST_CASE("cursor iterates in key order and seeks") {
  TempDir tmp;
  auto store = Store::open(tmp.sub("state"));
  auto links = store.db("links");
  {
    auto txn = store.begin_write();
    for (const char* key : {"crm/3", "crm/1", "projects/9", "crm/2"})
      txn.put(links, key, key);
    std::move(txn).commit();
  }
  auto txn = store.begin_read();
  auto cursor = txn.cursor(links);
  std::string keys;
  for (auto at = cursor.first(); at; at = cursor.next())
    keys += std::string(at->first) + " ";
  CHECK(keys == "crm/1 crm/2 crm/3 projects/9 ");
  CHECK(cursor.seek("crm/25")->first == "crm/3");
  CHECK(cursor.seek("p")->first == "projects/9");
  CHECK_FALSE(cursor.seek("z").has_value());
  CHECK_FALSE(cursor.find("crm/25").has_value());
  CHECK(cursor.find("crm/2")->second == "crm/2");
  CHECK(cursor.last()->first == "projects/9");
  CHECK(cursor.prev()->first == "crm/3");
}

TEST_CASE("cursor delete inside a write transaction") {
  TempDir tmp;
  auto store = Store::open(tmp.sub("state"));
  auto tombstones = store.db("tombstones");
  auto txn = store.begin_write();
  for (const char* key : {"a", "b", "c", "d"})
    txn.put(tombstones, key, "");
  {
    auto cursor = txn.cursor(tombstones);
    for (auto at = cursor.first(); at; at = cursor.next()) {
      if (at->first == "b" || at->first == "c")
        cursor.del();
    }
  }
  CHECK(txn.count(tombstones) == 2);
  CHECK(txn.get(tombstones, "a"));
  CHECK(txn.get(tombstones, "d"));
  std::move(txn).commit();
}

TEST_CASE("a cursor that outlives its write transaction is not freed twice") {
  // LMDB frees write cursors when the transaction ends; the Cursor must not
  // close it again (AddressSanitizer would report the double free).
  TempDir tmp;
  auto store = Store::open(tmp.sub("state"));
  std::optional<Cursor> cursor;
  {
    auto txn = store.begin_write();
    txn.put(store.db("people"), "p1", "Ada");
    cursor.emplace(txn.cursor(store.db("people")));
    CHECK(cursor->first()->first == "p1");
    std::move(txn).commit();
  }
  cursor.reset();
  {
    auto txn = store.begin_write();
    cursor.emplace(txn.cursor(store.db("people")));
  }  // aborted
  cursor.reset();
  CHECK(store.begin_read().get(store.db("people"), "p1") == "Ada");
}

TEST_CASE("a moved read transaction keeps its snapshot while a writer commits") {
  TempDir tmp;
  auto store = Store::open(tmp.sub("state"));
  {
    auto txn = store.begin_write();
    txn.put(store.db("people"), "p1", "Ada");
    std::move(txn).commit();
  }
  auto first = store.begin_read();
  auto moved = std::move(first);
  CHECK_FALSE(first.active());
  CHECK(moved.get(store.db("people"), "p1") == "Ada");
  // A reader keeps its snapshot while a writer commits.
  {
    auto txn = store.begin_write();
    txn.put(store.db("people"), "p1", "Ada Lovelace");
    std::move(txn).commit();
  }
  CHECK(moved.get(store.db("people"), "p1") == "Ada");
  CHECK(store.begin_read().get(store.db("people"), "p1") == "Ada Lovelace");
}

TEST_CASE("a read transaction can be used on another thread (MDB_NOTLS)") {
  TempDir tmp;
  auto store = Store::open(tmp.sub("state"));
  {
    auto txn = store.begin_write();
    txn.put(store.db("people"), "p1", "Ada");
    std::move(txn).commit();
  }
  auto txn = store.begin_read();
  std::string seen;
  std::thread reader([&] { seen = std::string(txn.get(store.db("people"), "p1").value_or("")); });
  reader.join();
  CHECK(seen == "Ada");
}

TEST_CASE("map full is Error(map_full), the transaction rolls back and the store still works") {
  TempDir tmp;
  OpenOptions options;
  options.map_size = 256 * 1024;
  auto store = Store::open(tmp.sub("state"), options);
  auto people = store.db("people");
  {
    auto txn = store.begin_write();
    txn.put(people, "kept", "before the failure");
    std::move(txn).commit();
  }

  std::string value(1000, 'x');
  int written = 0;
  bool full = false;
  try {
    auto txn = store.begin_write();
    for (; written < 10000; ++written)
      txn.put(people, "k" + std::to_string(written), value);
    std::move(txn).commit();
  } catch (const Error& e) {
    full = true;
    CHECK(e.kind() == ErrorKind::map_full);
    CHECK(e.lmdb_code() == MDB_MAP_FULL);
    CHECK(std::string(e.what()).find("reached its size limit") != std::string::npos);
  CHECK(std::string(e.what()).find("sync.journal_max_entries") != std::string::npos);
    CHECK(std::string(e.what()).find(store.dir()) != std::string::npos);
  }
  REQUIRE(full);
  CHECK(written > 10);  // it really filled the map, not failed at once

  auto txn = store.begin_read();
  CHECK(txn.get(people, "kept") == "before the failure");
  CHECK_FALSE(txn.get(people, "k0").has_value());
  CHECK(txn.count(people) == 1);
  txn = store.begin_read();  // move-assign ends the old snapshot

  auto write = store.begin_write();
  write.put(people, "after", "small");
  std::move(write).commit();
  CHECK(store.begin_read().get(people, "after") == "small");
}

}  // namespace
}  // namespace zohosync::state
