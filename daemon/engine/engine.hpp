#pragma once
// The executor: runs one reconcile cycle against the connectors and the state
// store (cycle.cpp; the send step is outbox_sender.cpp).
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
// never makes a duplicate. No lock is held across a listing or a send: two
// processes on one state dir (the daemon and a reconcile) interleave, LMDB's
// one writer at a time keeping each plan and each confirmation whole; a plan
// leaves out what the other changed while its listing was on the wire
// (state/listing_window.hpp), and a write is sent by whoever claimed it
// (state/outbox_claims.hpp). Dry runs plan in a transaction that is rolled back
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
#include "daemon/engine/cycle_options.hpp"
#include "daemon/engine/listing.hpp"
#include "daemon/engine/outbox_sender.hpp"
#include "daemon/engine/report.hpp"
#include "mapping/resolve.hpp"
#include "mapping/settings.hpp"

namespace zohosync::state {
class Store;
class Txn;
}  // namespace zohosync::state

namespace zohosync::daemon {

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

  // Who this engine is to another process on the same state dir (its
  // listings and its claims on outbox entries): this process's presence
  // (Store::owner()). Tests that run two engines in one process give each
  // its own, "OWNER/suffix".
  void set_owner(std::string owner) { owner_ = std::move(owner); }
  const std::string& owner() const { return owner_; }

 private:
  // Step 0: the outbox entries an earlier cycle left are sent first.
  boost::asio::awaitable<void> resume(CycleReport& report, const CycleOptions& options);
  // Lists in full the collections many resumed creates go to (one listing
  // instead of one lookup per create, which may scan every parent).
  boost::asio::awaitable<FreshWrites> list_resumed_targets(const CycleOptions& options);
  // Steps 1 and 2: list, then plan into the outbox in one transaction.
  boost::asio::awaitable<FreshWrites> list_and_plan(CycleReport& report,
                                                    const CycleOptions& options);
  boost::asio::awaitable<void> list_unlisted(
      const std::vector<const mapping::CollectionSettings*>& wanted,
      std::map<std::string, ListResult, std::less<>>& listed, const CycleOptions& options);
  // Whether the collection's include rules differ from those its cursor was
  // listed under (state::read_listed_rules).
  bool rules_changed(const state::Txn& txn, const mapping::CollectionSettings& cs) const;
  bool leave_out_touched(const state::Txn& txn, mapping::Observation& obs,
                         std::uint64_t since) const;
  connectors::Connector* connector(std::string_view collection) const;
  // Position of a collection in settings().collections (the planning order).
  std::size_t settings_rank(std::string_view collection) const;

  state::Store& store_;
  mapping::SyncSettings settings_;
  std::vector<connectors::Connector*> connectors_;
  bool stop_requested_ = false;
  // Cancels the listings in progress (set while list_concurrently runs).
  std::function<void()> cancel_listings_;
  std::string owner_;
  OutboxSender sender_{store_, settings_, connectors_, stop_requested_, owner_};
};

}  // namespace zohosync::daemon
