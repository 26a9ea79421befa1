// The journal: ordering, filtering, retention, and seqs that never go back.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "state/store.hpp"
#include "temp_dir.hpp"

namespace zohosync::state {
namespace {

using testing::TempDir;

JournalEntry entry_at(std::int64_t time_ms, std::string record = "r") {
  JournalEntry entry;
  entry.time_ms = time_ms;
  entry.operation = "update";
  entry.target_collection = "crm.contacts";
  entry.target_record = std::move(record);
  return entry;
}

std::vector<std::uint64_t> seqs(const std::vector<JournalEntry>& entries) {
  std::vector<std::uint64_t> out;
  for (const auto& entry : entries)
    out.push_back(entry.seq);
  return out;
}

std::vector<std::uint64_t> all_seqs(const Store& store) {
  auto txn = store.begin_read();
  return seqs(Journal::read(txn, store, 0, 0));
}

void append_n(Store& store, int n, std::int64_t first_time_ms = 0) {
  auto txn = store.begin_write();
  for (int i = 0; i < n; ++i)
    Journal::append(txn, store, entry_at(first_time_ms + i * 1000));
  std::move(txn).commit();
}

using Seqs = std::vector<std::uint64_t>;

TEST_CASE("append assigns ascending seqs from 1 and read returns every field") {
  TempDir tmp;
  auto store = Store::open(tmp.sub("state"));
  JournalEntry entry;
  entry.seq = 99;  // ignored: append assigns the seq
  entry.time_ms = 1'795'000'000'123;
  entry.person_id = "p-1";
  entry.person_email = "ada@example.com";
  entry.operation = "update";
  entry.origin_collection = "crm.contacts";
  entry.origin_record = "4000000123";
  entry.target_collection = "projects.contacts";
  entry.target_record = "1800000456";
  entry.fields = {{"phone", "+1 555", "+44 20 7946 0000"}, {"title", "", std::string("a\0b", 3)}};
  entry.product_modified_time = "2026-11-24T09:30:00+0000";
  entry.reason = "crm newer";

  auto txn = store.begin_write();
  CHECK(Journal::append(txn, store, entry) == 1);
  CHECK(Journal::append(txn, store, entry_at(5)) == 2);
  CHECK(Journal::append(txn, store, entry_at(6)) == 3);
  // Readable inside the writing transaction too.
  CHECK(Journal::read(txn, store, 1, 0).size() == 3);
  std::move(txn).commit();

  auto read = store.begin_read();
  auto entries = Journal::read(read, store, 1, 1);
  REQUIRE(entries.size() == 1);
  const auto& got = entries[0];
  CHECK(got.seq == 1);
  CHECK(got.time_ms == entry.time_ms);
  CHECK(got.person_id == entry.person_id);
  CHECK(got.person_email == entry.person_email);
  CHECK(got.operation == entry.operation);
  CHECK(got.origin_collection == entry.origin_collection);
  CHECK(got.origin_record == entry.origin_record);
  CHECK(got.target_collection == entry.target_collection);
  CHECK(got.target_record == entry.target_record);
  REQUIRE(got.fields.size() == 2);
  CHECK(got.fields[0].field == "phone");
  CHECK(got.fields[0].before == "+1 555");
  CHECK(got.fields[0].after == "+44 20 7946 0000");
  CHECK(got.fields[1].after == std::string("a\0b", 3));
  CHECK(got.product_modified_time == entry.product_modified_time);
  CHECK(got.reason == entry.reason);
}

TEST_CASE("read filters by from_seq and limit, ascending") {
  TempDir tmp;
  auto store = Store::open(tmp.sub("state"));
  append_n(store, 12);  // 12 > 9 so the order is numeric, not textual
  auto txn = store.begin_read();
  struct Case {
    std::uint64_t from_seq;
    std::size_t limit;
    Seqs expected;
  };
  const Case cases[] = {
      {0, 0, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}},  // everything
      {1, 3, {1, 2, 3}},                                // limit from the start
      {9, 0, {9, 10, 11, 12}},                          // from a seq on
      {10, 2, {10, 11}},                                // both
      {12, 5, {12}},                                    // limit beyond the end
      {13, 0, {}},                                      // past the last seq
  };
  for (const auto& c : cases) {
    CAPTURE(c.from_seq);
    CAPTURE(c.limit);
    CHECK(seqs(Journal::read(txn, store, c.from_seq, c.limit)) == c.expected);
  }
}

TEST_CASE("an aborted append leaves nothing behind") {
  TempDir tmp;
  auto store = Store::open(tmp.sub("state"));
  append_n(store, 2);
  {
    auto txn = store.begin_write();
    CHECK(Journal::append(txn, store, entry_at(0)) == 3);
  }  // aborted
  CHECK(all_seqs(store) == Seqs{1, 2});
  append_n(store, 1);
  CHECK(all_seqs(store) == Seqs{1, 2, 3});
}

TEST_CASE("retention by count keeps the newest entries") {
  TempDir tmp;
  auto store = Store::open(tmp.sub("state"));
  append_n(store, 10);
  auto txn = store.begin_write();
  CHECK(Journal::prune(txn, store, 4, 0, 0) == 6);
  CHECK(Journal::prune(txn, store, 4, 0, 0) == 0);  // already within the limit
  CHECK(Journal::prune(txn, store, 0, 0, 0) == 0);  // no limits: nothing to do
  std::move(txn).commit();
  CHECK(all_seqs(store) == Seqs{7, 8, 9, 10});
}

TEST_CASE("retention by age drops entries older than max_age") {
  TempDir tmp;
  auto store = Store::open(tmp.sub("state"));
  append_n(store, 10, 1'000'000);  // times 1'000'000, 1'001'000, ... 1'009'000
  auto txn = store.begin_write();
  // now = 1'010'000, keep the last 4.5 s: times >= 1'005'500 stay.
  CHECK(Journal::prune(txn, store, 0, 4'500, 1'010'000) == 6);
  std::move(txn).commit();
  CHECK(all_seqs(store) == Seqs{7, 8, 9, 10});
}

TEST_CASE("retention with both limits removes what either one rejects") {
  TempDir tmp;
  auto store = Store::open(tmp.sub("state"));
  append_n(store, 10, 0);  // times 0 .. 9000
  struct Case {
    std::size_t max_entries;
    std::int64_t max_age_ms;
    Seqs expected;
  };
  const Case cases[] = {
      {8, 3'500, {7, 8, 9, 10}},  // age is stricter
      {2, 3'500, {9, 10}},        // count is stricter
  };
  for (const auto& c : cases) {
    CAPTURE(c.max_entries);
    auto txn = store.begin_write();
    Journal::prune(txn, store, c.max_entries, c.max_age_ms, 9'500);
    CHECK(seqs(Journal::read(txn, store, 0, 0)) == c.expected);
    // Not committed: each case starts from the same ten entries.
  }
}

TEST_CASE("seqs stay monotonic after pruning everything and after reopening") {
  TempDir tmp;
  std::string dir = tmp.sub("state");
  {
    auto store = Store::open(dir);
    append_n(store, 5);
    auto txn = store.begin_write();
    CHECK(Journal::prune(txn, store, 0, 1, 1'000'000) == 5);  // every entry is too old
    CHECK(Journal::next_seq(txn, store) == 6);
    std::move(txn).commit();
    CHECK(all_seqs(store).empty());
    append_n(store, 1);
    CHECK(all_seqs(store) == Seqs{6});
    auto prune_all = store.begin_write();
    Journal::prune(prune_all, store, 0, 1, 1'000'000);
    std::move(prune_all).commit();
  }
  auto store = Store::open(dir);
  CHECK(all_seqs(store).empty());
  auto txn = store.begin_write();
  CHECK(Journal::append(txn, store, entry_at(0)) == 7);
  std::move(txn).commit();
  CHECK(read_status(store).journal_first_seq == 7);
}

TEST_CASE("a malformed journal value is Error(corrupted)") {
  std::string good = Journal::encode(entry_at(42, "x"));
  CHECK(Journal::decode(3, good).target_record == "x");
  const std::string bad[] = {
      "",                                       // empty
      good.substr(0, good.size() - 1),          // truncated
      good + "z",                               // trailing bytes
      std::string(1, '\x07') + good.substr(1),  // unknown format version
  };
  for (const auto& bytes : bad) {
    CAPTURE(bytes.size());
    try {
      Journal::decode(3, bytes);
      FAIL("decoded a malformed value");
    } catch (const Error& e) {
      CHECK(e.kind() == ErrorKind::corrupted);
    }
  }
}

}  // namespace
}  // namespace zohosync::state
