#pragma once
// The executor: runs one reconcile cycle against the connectors and the state
// store.
//   0. Resume: pending outbox entries (a crash or a transient failure in an
//      earlier cycle) are sent first.
//   1. List every enabled collection from its stored cursor (co_await; no
//      LMDB transaction is open). A failed listing makes the collection
//      "unknown" for this cycle.
//   2. Ingest + plan (mapping::plan) in ONE write transaction, which also
//      stores the new cursors and puts every planned write into the outbox.
//   3. Send the outbox: per batch, co_await the writes (no transaction open),
//      then record each confirmed write -- link, base (what the product
//      stored), journal entry, outbox entry removed -- in one transaction.
// A create first looks the email up in the target, so resuming after a crash
// never makes a duplicate. Dry runs plan in a transaction that is rolled back
// and send nothing.

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <exception>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/connector.hpp"
#include "daemon/engine/report.hpp"
#include "mapping/resolve.hpp"
#include "mapping/settings.hpp"

namespace zohosync::state {
class Store;
}

namespace zohosync::daemon {

struct PendingWrite;

// Where a fault hook is called (tests stop the executor there).
enum class FaultPoint {
  after_list,         // every collection listed, nothing written
  after_plan_commit,  // ingest + plan + outbox committed, nothing sent
  after_send,         // one write done in the product, not yet recorded
  after_confirm,      // one batch of writes recorded
};
std::string_view to_string(FaultPoint point);

// What a cycle is doing, for progress displays.
enum class CyclePhase { listing, sending };

struct CycleOptions {
  std::int64_t now_ms = 0;  // the caller's clock: journal times, flip window
  bool dry_run = false;
  bool keep_actions = false;  // copy every planned action into the report
  // List every collection from the start (ignore the stored cursors): the
  // periodic full scan that catches what incremental listings cannot see.
  bool full_listing = false;
  // List only these collections (empty: every enabled one). Writes still go
  // to every collection: a daemon polling one product on its own timer plans
  // and sends that product's changes at once.
  std::vector<std::string> only;
  std::size_t batch = 64;  // writes sent before their results are recorded together
  // A listing still running after this is cancelled and its collection is
  // unknown for the cycle, so one product that does not answer does not hold
  // back the others' changes (0: no limit).
  std::chrono::milliseconds listing_timeout{0};
  // Called as the cycle moves on: listing (collections listed of those to
  // list) and sending (writes done of those queued). Must not throw.
  std::function<void(CyclePhase phase, std::size_t done, std::size_t total)> progress;
  // Called at each FaultPoint; a test throws from it to simulate a crash.
  std::function<void(FaultPoint)> fault_hook;
};

class Engine {
 public:
  // The store and the connectors must outlive the engine. Connectors whose
  // collection is not in `settings` are ignored.
  Engine(state::Store& store, mapping::SyncSettings settings,
         std::vector<connectors::Connector*> connectors);

  boost::asio::awaitable<CycleReport> run_cycle(CycleOptions options);

  // Runs one cycle on a private io_context (one-shot tools, tests, bench).
  CycleReport run_cycle_blocking(CycleOptions options);

  // `zohosync conflicts resolve`: settles a held conflict and queues the
  // writes it implies in the outbox (sent by the next cycle, or right away
  // with drain()). Returns an error message, or "" on success.
  std::string resolve_conflict(mapping::PersonId person, mapping::Field field, mapping::Take take,
                               std::int64_t now_ms);
  // The same for the conflict held on the person's record in `collection`
  // (resolve_conflict.cpp): a person may have one on the same field in
  // several collections, and then the collection must be named.
  std::string resolve_conflict(mapping::PersonId person, mapping::Field field,
                               std::string_view collection, mapping::Take take,
                               std::int64_t now_ms);
  // Sends whatever the outbox holds (no listing, no planning).
  boost::asio::awaitable<CycleReport> drain(CycleOptions options);

  // Asks the running cycle (and every later one) to end soon, for a prompt
  // stop: listings, which change nothing, are cancelled at once, including
  // one waiting for a product's request budget, and the cycle ends without
  // planning (no cursor moves); no new batch of writes starts, a batch in
  // flight finishes and is recorded, the rest stays in the outbox.
  void request_stop();

  const mapping::SyncSettings& settings() const { return settings_; }

 private:
  // What the planner of this cycle knew: collections it saw in full, and the
  // outbox entries that were already there before it planned.
  struct FreshWrites {
    std::set<std::string, std::less<>> fully_listed;
    std::set<std::string, std::less<>> earlier_keys;
    // Collections listed in full after every earlier send ended, with the
    // (normalized) emails they hold: a create whose email is not there was
    // never carried out and needs no lookup, whoever planned it.
    std::map<std::string, std::set<std::string>, std::less<>> listed_emails;
    // Collections whose product did not answer this cycle's listing (down,
    // or failing): their pending writes wait for a cycle where it does,
    // instead of spending retries now.
    std::set<std::string, std::less<>> unanswered;
  };
  // Lists in full the collections many resumed creates go to (one listing
  // instead of one lookup per create, which may scan every parent).
  boost::asio::awaitable<FreshWrites> list_resumed_targets(
      std::chrono::milliseconds listing_timeout);
  boost::asio::awaitable<void> drain_outbox(CycleReport& report, const CycleOptions& options,
                                            const FreshWrites* fresh = nullptr);
  boost::asio::awaitable<void> send_batch(std::vector<PendingWrite>& writes,
                                          const std::set<std::string, std::less<>>& blocked,
                                          const CycleOptions& options, std::size_t& sent,
                                          std::size_t total, std::exception_ptr& crash);
  boost::asio::awaitable<bool> send_one(PendingWrite& write);
  // The person a record is linked to now (a short read transaction).
  std::optional<mapping::PersonId> linked_person(std::string_view collection,
                                                 std::string_view record_id) const;
  connectors::Connector* connector(std::string_view collection) const;
  // Position of a collection in settings().collections (the planning order).
  std::size_t settings_rank(std::string_view collection) const;

  state::Store& store_;
  mapping::SyncSettings settings_;
  std::vector<connectors::Connector*> connectors_;
  bool stop_requested_ = false;
  // Cancels the listings in progress (set while list_concurrently runs).
  std::function<void()> cancel_listings_;
};

}  // namespace zohosync::daemon
