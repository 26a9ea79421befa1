#pragma once
// How a cycle is run: its clock, dry run, which collections it lists, its
// limits, and the hooks a display or a test attaches to it.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace zohosync::daemon {

class WriteBudget;

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
  std::int64_t now_ms = 0;  // the caller's clock at the start: the plan's flip window
  // The wall clock (unix ms) a journal entry is stamped with once the product
  // confirmed its write, so that each entry says when its own write happened
  // and not when a long cycle began. Unset: the system clock.
  std::function<std::int64_t()> wall_clock_ms;
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
  // When set (the daemon): a write to a collection whose product's budget
  // cannot pay for it now is not sent this cycle but stays in the outbox,
  // and the report says so (CycleReport::held_for_budget). Unset, writes
  // wait for their budget (a one-shot run).
  const WriteBudget* write_budget = nullptr;
  // Send what the outbox holds and list nothing: the pass that comes back for
  // writes held for a budget.
  bool send_only = false;
  // Called at each FaultPoint; a test throws from it to simulate a crash.
  std::function<void(FaultPoint)> fault_hook;
};

// The options' wall clock, or the system clock's time.
inline std::int64_t wall_time_ms(const CycleOptions& options) {
  if (options.wall_clock_ms)
    return options.wall_clock_ms();
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Calls the options' fault hook, if any, at `point`.
inline void fault(const CycleOptions& options, FaultPoint point) {
  if (options.fault_hook)
    options.fault_hook(point);
}

}  // namespace zohosync::daemon
