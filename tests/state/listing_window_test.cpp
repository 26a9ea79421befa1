// Two processes on one state dir: the records one changes while the other's
// listing is on the wire (listing_window.hpp), and claims on outbox entries
// (outbox_claims.hpp).
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "state/listing_window.hpp"
#include "state/outbox_claims.hpp"
#include "state/process_presence.hpp"
#include "state/store.hpp"
#include "state/tables.hpp"
#include "temp_dir.hpp"

namespace zohosync::state {
namespace {

using testing::TempDir;

// A process that had the state dir open once and has ended.
constexpr const char* kEnded = "2147483646-00000000deadbeef";

void link(Store& store, const char* record) {
  auto txn = store.begin_write();
  Tables tables(txn, store);
  mapping::LinkRow row;
  row.collection = "crm.contacts";
  row.record_id = record;
  row.person = 1;
  tables.put_link(row);
  std::move(txn).commit();
}

std::uint64_t begin(Store& store, const std::string& owner) {
  auto txn = store.begin_write();
  const std::uint64_t since = begin_listing(txn, store, owner);
  std::move(txn).commit();
  return since;
}

void end(Store& store, const std::string& owner) {
  auto txn = store.begin_write();
  end_listing(txn, store, owner);
  std::move(txn).commit();
}

std::set<std::string, std::less<>> touched(Store& store, std::uint64_t since) {
  auto txn = store.begin_read();
  return touched_since(txn, store, "crm.contacts", since);
}

std::uint64_t notes(Store& store) {
  auto txn = store.begin_read();
  return txn.count(store.db("touched"));
}

}  // namespace

TEST_CASE(
    "listing window: records linked while a listing is on the wire are named; alone, "
    "nothing is noted") {
  TempDir tmp;
  auto store = Store::open(tmp.sub("state"));
  link(store, "before");
  CHECK(notes(store) == 0);  // no listing on the wire: nothing to note

  const std::string reconcile = store.owner() + "/reconcile";
  const std::uint64_t since = begin(store, reconcile);
  link(store, "during");
  CHECK(touched(store, since) == std::set<std::string, std::less<>>{"during"});

  // A second listing, begun later, is not told of the earlier change.
  const std::string daemon = store.owner() + "/daemon";
  const std::uint64_t later = begin(store, daemon);
  CHECK(touched(store, later).empty());
  link(store, "after");
  CHECK(touched(store, later) == std::set<std::string, std::less<>>{"after"});
  CHECK(touched(store, since) == std::set<std::string, std::less<>>{"after", "during"});

  // Once both listings are planned, no note is left.
  end(store, reconcile);
  CHECK(touched(store, later) == std::set<std::string, std::less<>>{"after"});
  end(store, daemon);
  CHECK(notes(store) == 0);
}

TEST_CASE("listing window: the registration of a process that has ended binds nobody") {
  TempDir tmp;
  auto store = Store::open(tmp.sub("state"));
  begin(store, kEnded);  // killed while listing: never ended
  const std::string daemon = store.owner();
  begin(store, daemon);
  end(store, daemon);
  link(store, "x");
  CHECK(notes(store) == 0);
  auto txn = store.begin_read();
  CHECK(txn.count(store.db("listings")) == 0);
}

TEST_CASE("outbox claims: a claim binds others while its process has the state dir open") {
  TempDir tmp;
  auto store = Store::open(tmp.sub("state"));
  const std::string me = store.owner();
  CHECK_FALSE(claimed_by_other(store, me, me));                  // mine: I take it up again
  CHECK(claimed_by_other(store, me + "/reconcile", me));         // another engine of mine
  CHECK_FALSE(claimed_by_other(store, kEnded, me));              // another, ended
  CHECK_FALSE(claimed_by_other(store, "../../etc/passwd", me));  // not a token: nobody's
  std::string other;
  {
    // Another process on the dir (its presence held by this test).
    ProcessPresence beside = ProcessPresence::enter(tmp.sub("state"));
    other = beside.token();
    CHECK(claimed_by_other(store, other, me));
  }
  // Gone: its file is removed with it, and an unlocked one left by a kill
  // counts as gone too.
  CHECK_FALSE(claimed_by_other(store, other, me));
  const std::filesystem::path killed =
      std::filesystem::path(tmp.sub("state")) / "processes" / "4242-0123456789abcdef";
  std::ofstream(killed).put('x');
  CHECK_FALSE(claimed_by_other(store, "4242-0123456789abcdef", me));
  CHECK_FALSE(std::filesystem::exists(killed));

  {
    auto txn = store.begin_write();
    put_claim(txn, store, "u/crm.contacts/r1", "1:2/x");
    std::move(txn).commit();
  }
  {
    auto txn = store.begin_read();
    CHECK(claim_owner(txn, store, "u/crm.contacts/r1") == std::optional<std::string>("1:2/x"));
  }
  {
    auto txn = store.begin_write();
    erase_claim(txn, store, "u/crm.contacts/r1");
    std::move(txn).commit();
  }
  auto txn = store.begin_read();
  CHECK_FALSE(claim_owner(txn, store, "u/crm.contacts/r1").has_value());
}

}  // namespace zohosync::state
