#include "daemon/scheduler.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <spdlog/spdlog.h>
#include <algorithm>
#include <exception>

#include "daemon/cycle_metrics.hpp"
#include "daemon/engine/collection_outcome.hpp"
#include "state/cadence.hpp"
#include "state/collection_health.hpp"
#include "state/journal.hpp"
#include "state/store.hpp"

namespace zohosync::daemon {

namespace asio = boost::asio;
using SteadyClock = std::chrono::steady_clock;

namespace {

std::int64_t system_now_ms() {
  return std::chrono::duration_cast<Millis>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Bounds on the wait before a pass for writes held back for a budget: not a
// busy loop when the budget says "now", and back within a minute whatever a
// throttle says (the pass holds them again if the budget is still empty).
constexpr Millis kHeldWritesMinWait{200};
constexpr Millis kHeldWritesMaxWait{std::chrono::minutes(1)};

}  // namespace

Scheduler::Scheduler(asio::any_io_executor executor, state::Store& store,
                     std::vector<connectors::Connector*> connectors, mapping::SyncSettings settings,
                     SchedulerOptions options, metrics::Registry& registry)
    : executor_(executor),
      store_(store),
      connectors_(std::move(connectors)),
      settings_(std::move(settings)),
      options_(std::move(options)),
      registry_(registry),
      cadence_(connectors_),
      wall_clock_(system_now_ms),
      wake_timer_(executor),
      deadline_timer_(executor),
      held_writes_timer_(executor),
      random_(options_.seed != 0 ? options_.seed : std::random_device{}()) {
  engine_ = std::make_unique<Engine>(store_, settings_, connectors_);
  std::vector<std::string> polled;
  for (const auto& c : options_.collections)
    if (has_connector(c.collection))
      polled.push_back(c.collection);
  describe_cycle_metrics(registry_, polled);
  CadenceTracker::describe_metrics(registry_);
  configure_cadence();
}

void Scheduler::configure_cadence() {
  std::map<std::string, Millis> intervals;
  for (const auto& c : options_.collections) {
    if (has_connector(c.collection))
      intervals[c.collection] = c.poll_interval;
  }
  cadence_.configure(intervals);
  cadence_.export_metrics(registry_);
}

Scheduler::~Scheduler() = default;

bool Scheduler::has_connector(const std::string& collection) const {
  return connectors::find_connector(connectors_, collection) != nullptr;
}

Millis Scheduler::jitter(Millis max) {
  if (max.count() <= 0)
    return Millis{0};
  std::uniform_int_distribution<std::int64_t> dist(0, max.count());
  return Millis{dist(random_)};
}

void Scheduler::start() {
  if (started_)
    return;
  started_ = true;
  started_ms_ = wall_clock_();
  try {
    auto txn = store_.begin_read();
    cadence_.log_start(state::read_cadences(txn, store_));
  } catch (const std::exception& e) {
    spdlog::warn("the cadence of the last run cannot be read: {}", e.what());
  }
  queue_.push_back(kEveryCollection);
  arm_timers();
  asio::co_spawn(executor_, run_loop(), [](std::exception_ptr e) {
    if (e) {
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& ex) {
        spdlog::critical("scheduler stopped: {}", ex.what());
      }
    }
  });
}

void Scheduler::arm_timers() {
  ++generation_;
  for (auto& [name, timer] : poll_timers_)
    timer->cancel();
  poll_timers_.clear();
  for (const auto& c : options_.collections) {
    if (!has_connector(c.collection)) {
      spdlog::warn("{}: no connector for this collection; enabling it needs a restart",
                   c.collection);
      continue;
    }
    poll_timers_[c.collection] = std::make_unique<asio::steady_timer>(executor_);
    asio::co_spawn(executor_, poll_loop(c.collection, generation_), asio::detached);
  }
}

asio::awaitable<void> Scheduler::poll_loop(std::string collection, std::uint64_t generation) {
  for (;;) {
    if (stopping_ || generation != generation_)
      co_return;
    auto schedule =
        std::find_if(options_.collections.begin(), options_.collections.end(),
                     [&](const CollectionSchedule& c) { return c.collection == collection; });
    auto timer_it = poll_timers_.find(collection);
    if (schedule == options_.collections.end() || timer_it == poll_timers_.end())
      co_return;
    const Millis delay = schedule->poll_interval + jitter(schedule->poll_jitter);
    asio::steady_timer& timer = *timer_it->second;
    timer.expires_after(delay);
    boost::system::error_code ec;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (ec || stopping_ || generation != generation_)
      co_return;  // cancelled: stop() or reload() (which starts a new loop)
    poll_now(collection);
  }
}

void Scheduler::poll_now(const std::string& collection) {
  if (stopping_)
    return;
  if (std::find(queue_.begin(), queue_.end(), collection) == queue_.end())
    queue_.push_back(collection);
  wake();
}

void Scheduler::wake() {
  wake_timer_.cancel();
}

asio::awaitable<void> Scheduler::run_loop() {
  while (!stopping_) {
    if (queue_.empty()) {
      wake_timer_.expires_at(SteadyClock::time_point::max());
      boost::system::error_code ec;
      co_await wake_timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      continue;
    }
    std::string collection = std::move(queue_.front());
    queue_.pop_front();
    CycleOutcome outcome = co_await run_one(std::move(collection));
    come_back_for_held_writes(outcome.report);
    ++cycles_finished_;
    record_cycle(registry_, outcome, wall_clock_());
    if (on_cycle_)
      on_cycle_(outcome);
  }
  if (on_stopped_) {
    auto fn = std::move(on_stopped_);
    on_stopped_ = nullptr;
    fn();
  }
}

void Scheduler::arm_deadline(SteadyClock::time_point when) {
  deadline_ = when;
  deadline_timer_.expires_at(when);
  deadline_timer_.async_wait([this, seq = cycle_seq_](boost::system::error_code ec) {
    // Aborted: re-armed (stop) or the cycle ended. A stale expiry must not
    // cancel a later cycle, hence the sequence check.
    if (ec || seq != cycle_seq_ || !in_flight_)
      return;
    timed_out_ = true;
    spdlog::warn("cycle exceeded its deadline; cancelling it");
    cancel_cycle_.emit(asio::cancellation_type::terminal);
  });
}

asio::awaitable<CycleOutcome> Scheduler::run_one(std::string collection) {
  if (pending_settings_) {
    settings_ = std::move(*pending_settings_);
    pending_settings_.reset();
    engine_ = std::make_unique<Engine>(store_, settings_, connectors_);
  }
  CycleOutcome outcome;
  outcome.collection = collection;
  const std::int64_t now_ms = wall_clock_();

  CycleOptions options;
  options.now_ms = now_ms;
  options.wall_clock_ms = wall_clock_;
  options.batch = options_.batch;
  // Listings get two thirds of the cycle's time; the rest is for the writes
  // the answering products' changes need.
  options.listing_timeout = options_.cycle_timeout * 2 / 3;
  options.write_budget = options_.write_budget;
  const bool every = collection == kEveryCollection;
  const bool held_writes = collection == kHeldWrites;
  options.send_only = held_writes;
  if (!every)
    options.only = {collection};
  auto schedule =
      std::find_if(options_.collections.begin(), options_.collections.end(),
                   [&](const CollectionSchedule& c) { return c.collection == collection; });
  if (schedule != options_.collections.end() && schedule->full_scan_interval.count() > 0) {
    auto last = last_full_ms_.find(collection);
    // A clock set back (it was ahead) must not postpone the next full
    // listing by as long: a time in the future counts as now.
    if (last != last_full_ms_.end() && last->second > now_ms)
      last->second = now_ms;
    if (last == last_full_ms_.end() ||
        now_ms - last->second >= schedule->full_scan_interval.count())
      options.full_listing = true;
  }

  const bool full_listing = options.full_listing;
  ++cycle_seq_;
  in_flight_ = true;
  timed_out_ = false;
  cycle_started_ = SteadyClock::now();
  arm_deadline(cycle_started_ + options_.cycle_timeout);
  try {
    outcome.report = co_await asio::co_spawn(
        executor_, engine_->run_cycle(std::move(options)),
        asio::bind_cancellation_slot(cancel_cycle_.slot(), asio::use_awaitable));
  } catch (const std::exception& e) {
    outcome.error = e.what();
  }
  in_flight_ = false;
  deadline_timer_.cancel();
  outcome.timed_out = timed_out_;
  outcome.duration = std::chrono::duration_cast<Millis>(SteadyClock::now() - cycle_started_);

  const auto& unknown = outcome.report.unknown_collections;
  auto listed = [&](const std::string& c) {
    return std::find(unknown.begin(), unknown.end(), c) == unknown.end() &&
           outcome.report.collections.count(c) > 0;
  };
  const bool clean = outcome.error.empty() && !outcome.timed_out && !outcome.report.fatal;
  std::vector<std::string> answered;  // the collections this cycle listed
  if (every) {
    // Ok when at least one collection was listed; each listed one counts as synced.
    for (const auto& [c, counts] : outcome.report.collections) {
      if (clean && listed(c) && has_connector(c)) {
        outcome.ok = true;
        last_success_ms_[c] = now_ms;
        answered.push_back(c);
      }
    }
  } else if (held_writes) {
    outcome.ok = clean;  // lists nothing
  } else {
    outcome.ok = clean && listed(collection);
    if (outcome.ok) {
      last_success_ms_[collection] = now_ms;
      answered.push_back(collection);
      if (full_listing)
        last_full_ms_[collection] = now_ms;
    }
  }
  for (const std::string& c : answered)
    cadence_.listed(c, now_ms);
  if (!answered.empty())
    cadence_.export_metrics(registry_);
  // The collections this cycle set out to read, for their health record.
  std::vector<std::string> tried;
  if (every) {
    for (const auto& c : options_.collections)
      if (has_connector(c.collection))
        tried.push_back(c.collection);
  } else if (!held_writes) {
    tried.push_back(collection);
  }
  const std::string cycle_error = outcome.timed_out ? "timed out" : outcome.error;
  store_after_cycle(outcome, now_ms, answered, tried, cycle_error);

  if (outcome.ok && held_writes) {
    spdlog::debug("{}: {} held writes confirmed, {} failed, {} still pending in {} ms", collection,
                  outcome.report.total(&CollectionCounts::confirmed),
                  outcome.report.total(&CollectionCounts::failed), outcome.report.pending,
                  outcome.duration.count());
  } else if (outcome.ok) {
    // A guard that refused what a listing implied (a mass delete, rules that
    // leave out most of a collection) waits for the operator: said each time.
    const auto& unknown = outcome.report.unknown_collections;
    for (const Failure& f : outcome.report.failures) {
      if (f.record_id.empty() &&
          std::find(unknown.begin(), unknown.end(), f.collection) == unknown.end())
        spdlog::warn("{}: {}", f.collection, f.message);
    }
    spdlog::info("{}: cycle ok in {} ms: seen {}, writes {} confirmed {} failed {}, pending {}",
                 collection, outcome.duration.count(),
                 outcome.report.total(&CollectionCounts::records_seen),
                 outcome.report.planned_writes, outcome.report.total(&CollectionCounts::confirmed),
                 outcome.report.total(&CollectionCounts::failed), outcome.report.pending);
  } else {
    spdlog::warn("{}: cycle failed after {} ms ({})", collection, outcome.duration.count(),
                 collection_failure(outcome.report, collection, cycle_error));
  }
  co_return outcome;
}

void Scheduler::come_back_for_held_writes(const CycleReport& report) {
  if (report.held_for_budget.empty() || options_.write_budget == nullptr || stopping_)
    return;
  Millis wait = kHeldWritesMaxWait;
  for (const auto& [collection, count] : report.held_for_budget)
    wait = std::min(wait, options_.write_budget->time_until(collection, 1.0));
  wait = std::max(wait, kHeldWritesMinWait);
  const auto now = SteadyClock::now();
  if (!held_writes_logged_ || now - *held_writes_logged_ >= std::chrono::minutes(1)) {
    held_writes_logged_ = now;
    for (const auto& [collection, count] : report.held_for_budget) {
      spdlog::info(
          "{}: {} write(s) wait in the outbox for the request budget; they go out as it refills "
          "(next in {} ms), without holding back the other collections",
          collection, count, wait.count());
    }
  }
  // Re-arming drops the wait armed by an earlier cycle.
  held_writes_timer_.expires_after(wait);
  held_writes_timer_.async_wait([this](boost::system::error_code ec) {
    if (!ec)
      poll_now(kHeldWrites);
  });
}

std::int64_t Scheduler::next_poll_ms(const std::string& collection, std::int64_t now_ms) const {
  auto timer = poll_timers_.find(collection);
  if (timer == poll_timers_.end())
    return 0;
  const auto left =
      std::chrono::duration_cast<Millis>(timer->second->expiry() - SteadyClock::now());
  // A timer that fired has queued its poll: due now.
  return now_ms + std::max<std::int64_t>(left.count(), 0);
}

void Scheduler::store_after_cycle(CycleOutcome& outcome, std::int64_t now_ms,
                                  const std::vector<std::string>& listed,
                                  const std::vector<std::string>& tried,
                                  const std::string& cycle_error) {
  const bool prune = options_.journal_max_entries != 0 || options_.journal_max_age.count() != 0;
  if (!prune && listed.empty() && tried.empty())
    return;
  try {
    auto txn = store_.begin_write();
    if (prune)
      outcome.pruned = state::Journal::prune(txn, store_, options_.journal_max_entries,
                                             options_.journal_max_age.count(), now_ms);
    for (const std::string& c : listed) {
      auto it = cadence_.cadences().find(c);
      if (it != cadence_.cadences().end())
        state::write_cadence(txn, store_, c, it->second);
    }
    // When the cycle ended, not when it began: a first sync takes minutes.
    const std::int64_t ended_ms = wall_clock_();
    for (const std::string& c : tried)
      state::record_cycle_outcome(txn, store_, c, ended_ms,
                                  collection_failure(outcome.report, c, cycle_error),
                                  next_poll_ms(c, ended_ms));
    std::move(txn).commit();
  } catch (const std::exception& e) {
    spdlog::warn("journal retention, cadence or collection health not stored: {}", e.what());
  }
}

void Scheduler::stop(Millis grace, std::function<void()> on_stopped) {
  on_stopped_ = std::move(on_stopped);
  const bool was_stopping = stopping_;
  stopping_ = true;
  queue_.clear();
  held_writes_timer_.cancel();
  for (auto& [name, timer] : poll_timers_)
    timer->cancel();
  if (in_flight_) {
    // Listings (a budget wait among them) end now; writes in flight finish
    // within the grace, the rest stays in the outbox.
    if (engine_)
      engine_->request_stop();
    auto limit = SteadyClock::now() + grace;
    if (limit < deadline_)
      arm_deadline(limit);
  }
  if (!started_) {
    if (on_stopped_) {
      auto fn = std::move(on_stopped_);
      on_stopped_ = nullptr;
      asio::post(executor_, std::move(fn));
    }
    return;
  }
  if (!was_stopping)
    wake();
}

void Scheduler::reload(SchedulerOptions options, mapping::SyncSettings settings) {
  options.seed = options_.seed;
  options_ = std::move(options);
  configure_cadence();
  pending_settings_ = std::move(settings);
  if (started_ && !stopping_)
    arm_timers();
}

std::int64_t Scheduler::last_success_ms(const std::string& collection) const {
  auto it = last_success_ms_.find(collection);
  return it == last_success_ms_.end() ? 0 : it->second;
}

std::vector<CollectionHealth> Scheduler::health() const {
  std::vector<CollectionHealth> out;
  for (const auto& c : options_.collections) {
    if (!has_connector(c.collection))
      continue;
    out.push_back({c.collection, c.poll_interval, last_success_ms(c.collection)});
  }
  return out;
}

bool Scheduler::progressing() const {
  if (!in_flight_)
    return true;
  return SteadyClock::now() - cycle_started_ < 2 * options_.cycle_timeout;
}

}  // namespace zohosync::daemon
