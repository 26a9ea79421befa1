#pragma once
// The daemon's clock-work: every collection polls on its own timer (poll
// interval + random jitter) on one io_context, and each poll becomes one
// engine cycle listing only that collection (CycleOptions::only) while its
// writes go to every collection, so a change seen in one product reaches the
// others within that same cycle rather than at some global tick.
//
// Cycles are serialized: a FIFO queue of due collections (a collection is
// queued at most once) drained by one runner coroutine. Each cycle is bounded
// by cycle_timeout: past it the cycle is cancelled (Asio terminal
// cancellation) and the collection counts as failed for that poll, so a
// product that hangs costs the others at most one timeout per poll and never
// stalls them. The engine keeps the store consistent at every co_await (no
// transaction is held across one; planned writes wait in the outbox), which
// is what makes cancelling safe.
//
// With a write budget (SchedulerOptions::write_budget), a cycle never waits
// for a paced product's budget to send: the writes it cannot pay for stay in
// the outbox, and a send-only pass (kHeldWrites) is queued for when that
// budget holds a request again.
//
// After every cycle the journal is pruned to its retention, the cadence of
// the collections it listed is measured and stored, the metrics are updated
// and on_cycle is called. stop() lets the in-flight cycle finish
// within a grace period, then cancels it.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "connectors/connector.hpp"
#include "daemon/cadence_tracker.hpp"
#include "daemon/engine/engine.hpp"
#include "daemon/engine/write_budget.hpp"
#include "daemon/health.hpp"
#include "mapping/settings.hpp"

namespace zohosync::state {
class Store;
}

namespace zohosync::daemon {

namespace metrics {
class Registry;
}

using Millis = std::chrono::milliseconds;

// The queue entry (and metrics label) of a cycle that lists every collection.
// The daemon starts with one: a cycle listing a single collection against a
// state that has never seen the others would plan creates for people those
// others already hold (found again by email, but at the cost of a lookup per
// person per product); listing all of them first links everyone at once.
inline constexpr const char* kEveryCollection = "*";
// The queue entry (and metrics label) of a pass that only sends the writes
// held back for a request budget (SchedulerOptions::write_budget).
inline constexpr const char* kHeldWrites = "outbox";

struct CollectionSchedule {
  std::string collection;
  Millis poll_interval{std::chrono::minutes(5)};
  Millis poll_jitter{std::chrono::seconds(30)};
  // A full listing (ignoring the cursor) at least this often; 0 = never.
  Millis full_scan_interval{0};
};

struct SchedulerOptions {
  std::vector<CollectionSchedule> collections;
  Millis cycle_timeout{std::chrono::minutes(5)};
  // Journal retention, applied after every cycle (0 = no limit).
  std::size_t journal_max_entries = 0;
  Millis journal_max_age{0};
  std::size_t batch = 64;
  std::uint64_t seed = 0;  // jitter randomness; 0 = random
  // CycleOptions::write_budget for every cycle (nullptr: writes wait for
  // their budget). Writes it holds back are sent by a pass (kHeldWrites)
  // queued once the budget has a request for them again. Outlives the
  // scheduler.
  const WriteBudget* write_budget = nullptr;
};

// One finished (or abandoned) cycle.
struct CycleOutcome {
  std::string collection;
  bool ok = false;         // listed, nothing fatal, not cancelled
  bool timed_out = false;  // cancelled at cycle_timeout or at the stop deadline
  std::string error;       // an exception that ended the cycle ("" = none)
  CycleReport report;      // partial (empty) when the cycle threw
  Millis duration{0};
  std::size_t pruned = 0;  // journal entries removed by retention
};

class Scheduler {
 public:
  // Unix milliseconds (the engine's time stamps, the health check).
  using WallClock = std::function<std::int64_t()>;

  // The store, the connectors and the registry must outlive the scheduler.
  Scheduler(boost::asio::any_io_executor executor, state::Store& store,
            std::vector<connectors::Connector*> connectors, mapping::SyncSettings settings,
            SchedulerOptions options, metrics::Registry& registry);
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  void set_wall_clock(WallClock clock) { wall_clock_ = std::move(clock); }
  // Called on the io_context after every cycle.
  void set_on_cycle(std::function<void(const CycleOutcome&)> fn) { on_cycle_ = std::move(fn); }

  // Queues one cycle over every collection, arms every collection's timer
  // (first poll one interval later) and starts the runner.
  void start();
  // No new cycles; the in-flight one gets `grace` to finish, then is
  // cancelled. `on_stopped` runs once the runner is idle.
  void stop(Millis grace, std::function<void()> on_stopped);
  // New intervals, retention and sync settings: the timers are re-armed now;
  // the settings take effect from the next cycle (never mid-cycle).
  // Collections without a connector are ignored (they need a restart).
  void reload(SchedulerOptions options, mapping::SyncSettings settings);
  // Queues a cycle for `collection` now (as if its timer fired).
  void poll_now(const std::string& collection);

  // ---- observation (metrics, health, watchdog, tests) ----
  std::int64_t last_success_ms(const std::string& collection) const;
  std::vector<CollectionHealth> health() const;
  std::uint64_t cycles_finished() const { return cycles_finished_; }
  bool cycle_in_flight() const { return in_flight_; }
  // False when a cycle has been running for more than twice the cycle
  // timeout: cancellation did not take and the watchdog should stop pinging.
  bool progressing() const;
  std::int64_t started_ms() const { return started_ms_; }
  const SchedulerOptions& options() const { return options_; }
  const CadenceTracker& cadence() const { return cadence_; }

 private:
  boost::asio::awaitable<void> poll_loop(std::string collection, std::uint64_t generation);
  boost::asio::awaitable<void> run_loop();
  boost::asio::awaitable<CycleOutcome> run_one(std::string collection);
  void arm_timers();
  void arm_deadline(std::chrono::steady_clock::time_point when);
  void wake();
  Millis jitter(Millis max);
  // After each cycle, in one transaction: the journal pruned to its
  // retention, and the cadence of the collections the cycle listed.
  // Journal retention, the cadence of the collections `listed`, and the
  // health record (outcome, next poll) of those `tried`, in one transaction.
  void store_after_cycle(CycleOutcome& outcome, std::int64_t now_ms,
                         const std::vector<std::string>& listed,
                         const std::vector<std::string>& tried, const std::string& cycle_error);
  // Unix ms of `collection`'s next poll; 0 when it has no timer.
  std::int64_t next_poll_ms(const std::string& collection, std::int64_t now_ms) const;
  void configure_cadence();
  bool has_connector(const std::string& collection) const;
  // Arms the pass for writes the cycle held back for a budget, and says
  // (once a minute) that they wait.
  void come_back_for_held_writes(const CycleReport& report);

  boost::asio::any_io_executor executor_;
  state::Store& store_;
  std::vector<connectors::Connector*> connectors_;
  mapping::SyncSettings settings_;
  std::optional<mapping::SyncSettings> pending_settings_;
  std::unique_ptr<Engine> engine_;
  SchedulerOptions options_;
  metrics::Registry& registry_;
  CadenceTracker cadence_;
  WallClock wall_clock_;
  std::function<void(const CycleOutcome&)> on_cycle_;

  std::map<std::string, std::unique_ptr<boost::asio::steady_timer>> poll_timers_;
  std::uint64_t generation_ = 0;  // bumped on reload: older poll loops exit
  std::deque<std::string> queue_;
  boost::asio::steady_timer wake_timer_;         // the idle runner waits on it
  boost::asio::steady_timer deadline_timer_;     // the in-flight cycle's deadline
  boost::asio::steady_timer held_writes_timer_;  // queues kHeldWrites
  std::optional<std::chrono::steady_clock::time_point> held_writes_logged_;
  boost::asio::cancellation_signal cancel_cycle_;
  std::chrono::steady_clock::time_point deadline_{};
  std::chrono::steady_clock::time_point cycle_started_{};
  std::uint64_t cycle_seq_ = 0;
  bool in_flight_ = false;
  bool timed_out_ = false;
  bool stopping_ = false;
  bool started_ = false;
  std::function<void()> on_stopped_;
  std::map<std::string, std::int64_t> last_success_ms_;
  std::map<std::string, std::int64_t> last_full_ms_;
  std::int64_t started_ms_ = 0;
  std::uint64_t cycles_finished_ = 0;
  std::mt19937_64 random_;
};

}  // namespace zohosync::daemon
