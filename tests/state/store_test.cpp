// Opening a state dir: permissions, read-only opens, schema version refusal,
// corrupted files, and what read_status reports.
#include <doctest/doctest.h>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "state/cadence.hpp"
#include "state/status.hpp"
#include "state/store.hpp"
#include "temp_dir.hpp"

namespace zohosync::state {
namespace {

using testing::mode_of;
using testing::read_bytes;
using testing::TempDir;

std::string message_of(const Error& e) {
  return e.what();
}

// The kind of the Error that open() throws; fails the test when none is thrown.
template <typename F>
Error open_error(F&& open) {
  try {
    open();
  } catch (const Error& e) {
    return e;
  }
  FAIL("expected state::Error");
  return Error(ErrorKind::other, "unreachable");
}

TEST_CASE("read_write creates the state dir and its parents with mode 0700") {
  TempDir tmp;
  std::string dir = tmp.sub("var/lib/zohosync");
  mode_t old_umask = ::umask(0);  // even a permissive umask must not widen it
  auto store = Store::open(dir);
  ::umask(old_umask);
  CHECK(mode_of(dir) == 0700);
  CHECK(std::filesystem::exists(dir + "/data.mdb"));
  CHECK((mode_of(dir + "/data.mdb") & 077) == 0);
  CHECK(store.schema_version() == kSchemaVersion);
  CHECK(store.mode() == OpenMode::read_write);
}

TEST_CASE("read_write refuses an existing state dir that group or others can access") {
  TempDir tmp;
  std::string dir = tmp.sub("state");
  REQUIRE(::mkdir(dir.c_str(), 0755) == 0);
  REQUIRE(::chmod(dir.c_str(), 0755) == 0);
  Error e = open_error([&] { Store::open(dir); });
  CHECK(e.kind() == ErrorKind::permission_denied);
  CHECK(message_of(e).find("chmod 700 " + dir) != std::string::npos);
  CHECK(message_of(e).find("0755") != std::string::npos);
  CHECK(std::filesystem::is_empty(dir));  // nothing created
  CHECK(mode_of(dir) == 0755);            // and not silently changed
}

TEST_CASE("read_write refuses a state dir path that is a file") {
  TempDir tmp;
  std::string path = tmp.sub("file");
  std::ofstream(path) << "x";
  Error e = open_error([&] { Store::open(path); });
  CHECK(e.kind() == ErrorKind::not_found_dir);
  CHECK(message_of(e).find(path) != std::string::npos);
}

TEST_CASE("read_only open of a missing dir is not_found_dir and creates nothing") {
  TempDir tmp;
  std::string dir = tmp.sub("missing/state");
  OpenOptions options;
  options.mode = OpenMode::read_only;
  Error e = open_error([&] { Store::open(dir, options); });
  CHECK(e.kind() == ErrorKind::not_found_dir);
  CHECK(message_of(e).find(dir) != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(tmp.sub("missing")));
}

TEST_CASE("read_only open of an empty dir is not_found_dir and creates nothing") {
  TempDir tmp;
  std::string dir = tmp.sub("state");
  REQUIRE(::mkdir(dir.c_str(), 0700) == 0);
  OpenOptions options;
  options.mode = OpenMode::read_only;
  Error e = open_error([&] { Store::open(dir, options); });
  CHECK(e.kind() == ErrorKind::not_found_dir);
  CHECK(std::filesystem::is_empty(dir));
}

TEST_CASE("a read_only store reads and refuses writes") {
  TempDir tmp;
  std::string dir = tmp.sub("state");
  {
    auto store = Store::open(dir);
    auto txn = store.begin_write();
    txn.put(store.db("people"), "p1", "Ada");
    std::move(txn).commit();
  }
  OpenOptions options;
  options.mode = OpenMode::read_only;
  auto store = Store::open(dir, options);
  CHECK(store.schema_version() == kSchemaVersion);
  CHECK(store.begin_read().get(store.db("people"), "p1") == "Ada");
  Error e = open_error([&] { store.begin_write(); });
  CHECK(e.kind() == ErrorKind::read_only);
}

TEST_CASE("read_only open works while another process holds the store read-write") {
  // LMDB allows one handle per environment per process, so the reader runs in
  // a child process, the way `zohosync status` runs next to the daemon.
  TempDir tmp;
  std::string dir = tmp.sub("state");
  auto store = Store::open(dir);
  {
    auto txn = store.begin_write();
    txn.put(store.db("people"), "p1", "Ada");
    JournalEntry entry;
    entry.operation = "create";
    Journal::append(txn, store, entry);
    std::move(txn).commit();
  }
  // An open write transaction in the writer must not block the reader.
  auto pending = store.begin_write();
  pending.put(store.db("people"), "p2", "Bob");

  pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    // Exit codes tell the parent which check failed; no doctest in the child.
    int code = 0;
    try {
      OpenOptions options;
      options.mode = OpenMode::read_only;
      auto reader = Store::open(dir, options);
      auto txn = reader.begin_read();
      if (txn.get(reader.db("people"), "p1") != "Ada")
        code = 2;
      if (txn.get(reader.db("people"), "p2").has_value())
        code = 3;  // uncommitted
      auto report = read_status(reader);
      if (report.entries_per_db["journal"] != 1 || report.journal_last_seq != 1)
        code = 4;
    } catch (...) {
      code = 1;
    }
    ::_exit(code);  // skip destructors of the parent's copies
  }
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  std::move(pending).commit();
  CHECK(store.begin_read().get(store.db("people"), "p2") == "Bob");
}

TEST_CASE("opening a store twice in one process is refused, reopening after close works") {
  TempDir tmp;
  std::string dir = tmp.sub("state");
  {
    auto store = Store::open(dir);
    OpenOptions read_only;
    read_only.mode = OpenMode::read_only;
    Error e = open_error([&] { Store::open(dir, read_only); });
    CHECK(e.kind() == ErrorKind::other);
    CHECK(message_of(e).find("already has it open") != std::string::npos);
    CHECK(open_error([&] { Store::open(dir + "/."); }).kind() == ErrorKind::other);
    auto moved = std::move(store);  // the registration moves with the handle
  }
  auto store = Store::open(dir);
  CHECK(store.schema_version() == kSchemaVersion);
}

TEST_CASE("a newer schema version is refused and the file is left untouched") {
  TempDir tmp;
  std::string dir = tmp.sub("state");
  Store::open(dir);  // creates schema_version kSchemaVersion
  const std::string newer = std::to_string(kSchemaVersion + 1);
  {
    // Written with the raw layer, as a newer zohosync would.
    auto env = Env::open(dir, Env::Options{});
    auto txn = WriteTxn::begin(env);
    auto meta = txn.open_dbi("meta", false);
    REQUIRE(meta.present());
    txn.put(meta, kMetaSchemaVersion, newer);
    std::move(txn).commit();
  }
  std::string data = dir + "/data.mdb";
  std::string before = read_bytes(data);
  auto mtime = std::filesystem::last_write_time(data);

  Error e = open_error([&] { Store::open(dir); });
  CHECK(e.kind() == ErrorKind::schema_too_new);
  CHECK(message_of(e).find("newer zohosync") != std::string::npos);
  CHECK(message_of(e).find("schema version " + newer) != std::string::npos);
  CHECK(message_of(e).find(dir) != std::string::npos);

  OpenOptions read_only;
  read_only.mode = OpenMode::read_only;
  CHECK(open_error([&] { Store::open(dir, read_only); }).kind() == ErrorKind::schema_too_new);

  CHECK(read_bytes(data) == before);
  CHECK(std::filesystem::last_write_time(data) == mtime);
}

TEST_CASE("a corrupted data file is Error(corrupted) with a clear message") {
  TempDir tmp;
  std::string dir = tmp.sub("state");
  REQUIRE(::mkdir(dir.c_str(), 0700) == 0);
  std::string garbage;
  for (int i = 0; i < 16384; ++i)
    garbage.push_back(static_cast<char>((i * 7919) % 251));
  std::ofstream(dir + "/data.mdb", std::ios::binary) << garbage;

  Error e = open_error([&] { Store::open(dir); });
  CHECK(e.kind() == ErrorKind::corrupted);
  CHECK(message_of(e).find(dir) != std::string::npos);
  CHECK(message_of(e).find("data.mdb is damaged") != std::string::npos);
  CHECK(message_of(e).find("backup") != std::string::npos);

  OpenOptions read_only;
  read_only.mode = OpenMode::read_only;
  CHECK(open_error([&] { Store::open(dir, read_only); }).kind() == ErrorKind::corrupted);
  CHECK(read_bytes(dir + "/data.mdb") == garbage);
}

TEST_CASE("a read_only open of a store lacking some databases reads them as empty") {
  TempDir tmp;
  std::string dir = tmp.sub("state");
  REQUIRE(::mkdir(dir.c_str(), 0700) == 0);
  {
    // Only meta exists, as in a store written before the other tables.
    auto env = Env::open(dir, Env::Options{});
    auto txn = WriteTxn::begin(env);
    txn.put(txn.open_dbi("meta", true), kMetaSchemaVersion, "1");
    std::move(txn).commit();
  }
  OpenOptions options;
  options.mode = OpenMode::read_only;
  auto store = Store::open(dir, options);
  CHECK_FALSE(store.db("people").present());
  auto txn = store.begin_read();
  CHECK_FALSE(txn.get(store.db("people"), "p1").has_value());
  CHECK(txn.count(store.db("links")) == 0);
  CHECK_FALSE(txn.cursor(store.db("links")).first().has_value());
  CHECK(Journal::read(txn, store, 1, 0).empty());
  auto report = read_status(store);
  CHECK(report.schema_version == 1);
  CHECK(report.entries_per_db.at("people") == 0);
  CHECK(report.journal_last_seq == 0);
}

TEST_CASE("db() knows exactly the named databases") {
  TempDir tmp;
  auto store = Store::open(tmp.sub("state"));
  for (auto name : kDatabases) {
    CAPTURE(name);
    CHECK(store.db(name).present());
  }
  CHECK_THROWS_AS(store.db("nope"), Error);
}

TEST_CASE("read_status counts entries, journal range and cursors") {
  TempDir tmp;
  auto store = Store::open(tmp.sub("state"));
  {
    auto txn = store.begin_write();
    txn.put(store.db("people"), "p1", "Ada");
    txn.put(store.db("people"), "p2", "Bob");
    txn.put(store.db("links"), "crm/1", "p1");
    txn.put(store.db("links"), "crm/2", "p2");
    txn.put(store.db("links"), "projects/7", "p1");
    txn.put(store.db("cursors"), "crm.contacts", "2026-11-24T09:00:00+00:00");
    txn.put(store.db("cursors"), "projects.contacts", "page=3");
    for (int i = 0; i < 5; ++i)
      Journal::append(txn, store, JournalEntry{});
    std::move(txn).commit();
  }
  {
    auto txn = store.begin_write();
    Journal::prune(txn, store, 3, 0, 0);
    std::move(txn).commit();
  }
  auto report = read_status(store);
  CHECK(report.schema_version == kSchemaVersion);
  CHECK(report.entries_per_db.size() == kDatabases.size());
  CHECK(report.entries_per_db.at("people") == 2);
  CHECK(report.entries_per_db.at("links") == 3);
  CHECK(report.entries_per_db.at("outbox") == 0);
  CHECK(report.entries_per_db.at("journal") == 3);
  CHECK(report.entries_per_db.at("meta") == 2);  // schema_version, journal_next_seq
  CHECK(report.journal_first_seq == 3);
  CHECK(report.journal_last_seq == 5);
  CHECK(report.cursors.size() == 2);
  CHECK(report.cursors.at("crm.contacts") == "2026-11-24T09:00:00+00:00");
  CHECK(report.cursors.at("projects.contacts") == "page=3");
}

TEST_CASE("read_status of a fresh store") {
  TempDir tmp;
  auto store = Store::open(tmp.sub("state"));
  auto report = read_status(store);
  CHECK(report.schema_version == kSchemaVersion);
  CHECK(report.journal_first_seq == 0);
  CHECK(report.journal_last_seq == 0);
  CHECK(report.cursors.empty());
  CHECK(report.entries_per_db.at("people") == 0);
}

TEST_CASE("each collection's cadence is kept in meta and read back by read_status") {
  TempDir tmp;
  auto store = Store::open(tmp.sub("state"));
  Cadence projects;
  projects.poll_interval_ms = 300'000;
  projects.effective_interval_ms = 301'500;
  projects.parents_read = 120;
  projects.parents_total = 2'000;
  projects.last_pass_ms = 3'900'000;
  projects.pass_remaining_ms = 3'650'000;
  projects.updated_ms = 1'800'000'000'000;
  Cadence crm;
  crm.poll_interval_ms = 60'000;
  {
    auto txn = store.begin_write();
    write_cadence(txn, store, "projects.contacts", projects);
    write_cadence(txn, store, "crm.contacts", crm);
    crm.effective_interval_ms = 61'000;  // written again: replaced
    write_cadence(txn, store, "crm.contacts", crm);
    std::move(txn).commit();
  }
  const auto report = read_status(store);
  REQUIRE(report.cadences.size() == 2);
  const Cadence& p = report.cadences.at("projects.contacts");
  CHECK(p.poll_interval_ms == 300'000);
  CHECK(p.effective_interval_ms == 301'500);
  CHECK(p.parents_read == 120);
  CHECK(p.parents_total == 2'000);
  CHECK(p.last_pass_ms == 3'900'000);
  CHECK(p.pass_remaining_ms == 3'650'000);
  CHECK(p.updated_ms == 1'800'000'000'000);
  CHECK(report.cadences.at("crm.contacts").effective_interval_ms == 61'000);
  // Cadence rows do not pass for anything else kept in meta.
  CHECK(report.schema_version != 0);
}

}  // namespace
}  // namespace zohosync::state
