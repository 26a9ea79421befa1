// GCC 12 reports a false -Wmismatched-new-delete on Asio's coroutine frames
// (awaitable_frame_base has matching class-level new/delete).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

#include "daemon/engine/engine.hpp"

#include <algorithm>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <deque>
#include <exception>
#include <map>
#include <optional>
#include <set>
#include <unordered_set>

#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include "mapping/normalize.hpp"
#include "mapping/planner.hpp"
#include "mapping/target.hpp"
#include "state/email_keyed_links.hpp"
#include "state/outbox.hpp"
#include "state/store.hpp"
#include "state/tables.hpp"

namespace zohosync::daemon {

using connectors::ConnectorError;
using connectors::ErrorClass;
using mapping::Action;
using mapping::ActionKind;

std::string_view to_string(FaultPoint point) {
  switch (point) {
    case FaultPoint::after_list:
      return "after_list";
    case FaultPoint::after_plan_commit:
      return "after_plan_commit";
    case FaultPoint::after_send:
      return "after_send";
    case FaultPoint::after_confirm:
      return "after_confirm";
  }
  return "after_list";
}

namespace {

void fault(const CycleOptions& options, FaultPoint point) {
  if (options.fault_hook)
    options.fault_hook(point);
}

// Receives the planner's actions inside the plan transaction: counts them,
// and puts every write into the outbox.
class ExecutorSink final : public mapping::PlanSink {
 public:
  ExecutorSink(state::WriteTxn& txn, const state::Store& store, CycleReport& report,
               const CycleOptions& options)
      : txn_(txn), store_(store), report_(report), options_(options) {}

  void deferred(const std::string& collection) override { deferred_targets_.insert(collection); }
  // Collections some write was held back for (unknown this cycle).
  const std::set<std::string, std::less<>>& deferred_targets() const { return deferred_targets_; }

  void emit(Action&& a) override {
    CollectionCounts& c = report_.collections[a.collection];
    switch (a.kind) {
      case ActionKind::create:
        ++c.creates;
        break;
      case ActionKind::update:
        ++c.updates;
        break;
      case ActionKind::remove:
        ++c.deletes;
        break;
      case ActionKind::link:
        ++c.links;
        break;
      case ActionKind::unlink:
        ++c.unlinks;
        break;
      case ActionKind::conflict:
        ++c.conflicts;
        if (a.held)
          ++c.held;
        break;
      case ActionKind::record_only:
        break;
      case ActionKind::skip:
        ++c.skipped;
        break;
      case ActionKind::duplicate:
        ++c.duplicates;
        break;
      case ActionKind::quarantine:
        ++c.quarantined;
        break;
      case ActionKind::refuse:
        ++c.refused;
        report_.failures.push_back(
            {a.collection, a.record_id, a.person_email, ErrorClass::per_record, a.reason});
        break;
    }
    if (mapping::is_write(a.kind)) {
      write_targets_.insert(a.collection);
      ++report_.planned_writes;
      if (!options_.dry_run)
        state::Outbox::put(txn_, store_, a);
    }
    if (options_.keep_actions)
      report_.actions.push_back(std::move(a));
  }

  // Collections this plan writes into.
  const std::set<std::string, std::less<>>& write_targets() const { return write_targets_; }

 private:
  state::WriteTxn& txn_;
  const state::Store& store_;
  CycleReport& report_;
  const CycleOptions& options_;
  std::set<std::string, std::less<>> deferred_targets_;
  std::set<std::string, std::less<>> write_targets_;
};

// The payload fields a found record does not already hold.
connectors::Fields missing_fields(const mapping::CollectionSpec* spec, const Action& a,
                                  const connectors::Record& found) {
  connectors::Fields out;
  for (const auto& [name, value] : a.payload) {
    auto it = found.fields.find(name);
    const std::string have = it == found.fields.end() ? std::string() : it->second;
    mapping::Field field = mapping::Field::first_name;  // full names compare as text
    if (spec != nullptr) {
      for (const auto& nf : spec->fields) {
        if (nf.name == name)
          field = nf.field;
      }
    }
    if (!mapping::equivalent(field, have, value))
      out[name] = value;
  }
  return out;
}

std::size_t total_confirmed(const CycleReport& report) {
  std::size_t n = 0;
  for (const auto& [collection, counts] : report.collections)
    n += counts.confirmed;
  return n;
}

struct ListResult {
  connectors::Listing listing;
  std::optional<ConnectorError> error;
};

// A failed listing comes back as an incomplete one with its error.
boost::asio::awaitable<ListResult> list_guarded(connectors::Connector* conn, std::string since) {
  ListResult result;
  try {
    result.listing = co_await conn->list(std::move(since));
  } catch (const ConnectorError& e) {
    result.error = e;
  }
  if (result.error)
    result.listing.complete = false;
  co_return result;
}

// The tasks a cycle spawns (its listings, a batch's writes). Each gets a
// cancellation signal of its own, and the cycle waits for every one of them
// before it goes on, also when the cycle itself is cancelled (cut at its
// deadline, or stopped): then the tasks are cancelled too and still waited
// for, so none outlives the cycle's state, the connectors or the API clients,
// and nothing is planned from a half-done listing.
class ChildTasks {
 public:
  explicit ChildTasks(const boost::asio::any_io_executor& executor)
      : all_done_(executor, boost::asio::steady_timer::time_point::max()) {}

  // Registers the next spawned task; bind it to slot(index).
  std::size_t add() {
    ++remaining_;
    children_.emplace_back();
    return children_.size() - 1;
  }
  boost::asio::cancellation_slot slot(std::size_t index) { return children_[index].signal.slot(); }
  // Called from each task's completion handler.
  void finished(std::size_t index) {
    children_[index].done = true;
    if (--remaining_ == 0)
      all_done_.cancel();
  }
  std::size_t remaining() const { return remaining_; }
  // Cancels every task still running; each still calls finished().
  void cancel_unfinished() {
    for (auto& child : children_) {
      if (!child.done)
        child.signal.emit(boost::asio::cancellation_type::terminal);
    }
  }

  // True when every task ended; false when the cycle was cancelled
  // meanwhile: the tasks are then cancelled and waited for, and the caller
  // must stop the cycle (the calling coroutine can no longer be cancelled).
  boost::asio::awaitable<bool> wait_all() {
    boost::system::error_code ignored;
    if (remaining_ > 0) {
      co_await all_done_.async_wait(
          boost::asio::redirect_error(boost::asio::use_awaitable, ignored));
    }
    if (remaining_ == 0)
      co_return true;
    // Only the cycle's cancellation ends the wait early.
    co_await boost::asio::this_coro::reset_cancellation_state(boost::asio::disable_cancellation());
    cancel_unfinished();
    while (remaining_ > 0) {
      co_await all_done_.async_wait(
          boost::asio::redirect_error(boost::asio::use_awaitable, ignored));
    }
    co_return false;
  }

 private:
  struct Child {
    boost::asio::cancellation_signal signal;
    bool done = false;
  };
  std::deque<Child> children_;  // stable addresses: each slot refers to its signal
  std::size_t remaining_ = 0;
  boost::asio::steady_timer all_done_;
};

[[noreturn]] void throw_cycle_cancelled() {
  throw boost::system::system_error(boost::asio::error::operation_aborted, "cycle cancelled");
}

// Lists every collection at once: products answer at their own pace (and
// under their own rate limits), so a cycle's listing takes as long as the
// slowest product, not the sum of all. The state is shared with the spawned
// listings so that a cancelled cycle never leaves them writing into a freed
// frame.
boost::asio::awaitable<std::vector<ListResult>> list_concurrently(
    std::vector<std::pair<connectors::Connector*, std::string>> jobs,
    std::function<void(std::size_t done)> on_done, std::chrono::milliseconds timeout,
    std::function<void()>& cancel_hook) {
  struct Shared {
    Shared(const boost::asio::any_io_executor& executor, std::size_t n)
        : results(n), tasks(executor), cut_timer(executor) {}
    std::vector<ListResult> results;
    std::size_t done = 0;
    ChildTasks tasks;
    boost::asio::steady_timer cut_timer;
    bool cut = false;
  };
  auto executor = co_await boost::asio::this_coro::executor;
  auto shared = std::make_shared<Shared>(executor, jobs.size());
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    auto listing = list_guarded(jobs[i].first, std::move(jobs[i].second));
    const std::size_t child = shared->tasks.add();
    boost::asio::co_spawn(
        executor, std::move(listing),
        boost::asio::bind_cancellation_slot(
            shared->tasks.slot(child),
            [shared, i, child, on_done, timeout](std::exception_ptr error, ListResult result) {
              if (error && shared->cut) {
                // Cut at the listing deadline: this product is unknown for
                // the cycle, the others go on.
                result = ListResult{};
                result.error = ConnectorError(
                    ErrorClass::transient,
                    "listing still running after " + std::to_string(timeout.count()) + " ms; cut");
                result.listing.complete = false;
              } else if (error) {
                // Not a classified connector failure: report it,
                // and infer nothing from this collection.
                result = ListResult{};
                std::string what = "listing failed";
                try {
                  std::rethrow_exception(error);
                } catch (const std::exception& e) {
                  what += std::string(": ") + e.what();
                } catch (...) {
                }
                result.error = ConnectorError(ErrorClass::fatal, what);
                result.listing.complete = false;
              }
              shared->results[i] = std::move(result);
              if (on_done)
                on_done(++shared->done);
              shared->tasks.finished(child);
            }));
  }
  // A product that does not answer must not hold the others' changes back
  // until the whole cycle is cut: past `timeout` its listing is cancelled.
  if (timeout.count() > 0 && shared->tasks.remaining() > 0) {
    shared->cut_timer.expires_after(timeout);
    shared->cut_timer.async_wait([shared](boost::system::error_code ec) {
      if (ec || shared->tasks.remaining() == 0)
        return;
      shared->cut = true;
      shared->tasks.cancel_unfinished();
    });
  }
  // A stop cancels the listings like the cut does (the caller then ends the
  // cycle without planning).
  cancel_hook = [weak = std::weak_ptr<Shared>(shared)] {
    if (auto listing = weak.lock()) {
      listing->cut = true;
      listing->tasks.cancel_unfinished();
    }
  };
  const bool all_ended = co_await shared->tasks.wait_all();
  cancel_hook = nullptr;
  shared->cut_timer.cancel();
  if (!all_ended)
    throw_cycle_cancelled();
  co_return std::move(shared->results);
}

mapping::Observation to_observation(const std::string& collection, ListResult&& listed) {
  mapping::Observation obs;
  obs.collection = collection;
  obs.complete = listed.listing.complete && !listed.error;
  obs.full = listed.listing.full;
  obs.deleted = std::move(listed.listing.deleted);
  obs.complete_parents.insert(std::make_move_iterator(listed.listing.complete_parents.begin()),
                              std::make_move_iterator(listed.listing.complete_parents.end()));
  obs.records.reserve(listed.listing.records.size());
  for (auto& r : listed.listing.records) {
    obs.records.push_back(mapping::ObservedRecord{
        std::move(r.id), std::move(r.parent_id), std::move(r.fields), r.modified_ms, r.created_ms});
  }
  return obs;
}

// A listing that names every parent that exists (existing_parents) says,
// by omission, which parents may be gone: those the links put records under.
// The connector confirms them (one request each; they are few), and each
// confirmed one joins complete_parents as a parent read whole with nothing in
// it, so the planner sees its linked records deleted. A failed confirmation
// infers nothing: the next listing asks again.
boost::asio::awaitable<void> add_gone_parents(const state::Store& store,
                                              connectors::Connector& conn, ListResult& listed) {
  connectors::Listing& listing = listed.listing;
  if (!listing.existing_parents || listed.error || !listing.complete || listing.full)
    co_return;
  std::vector<std::string> candidates;
  {
    const std::unordered_set<std::string_view> existing(listing.existing_parents->begin(),
                                                        listing.existing_parents->end());
    std::set<std::string> absent;
    auto txn = store.begin_read();
    state::for_each_link(txn, store, conn.collection(), [&](const mapping::LinkRow& link) {
      if (!link.parent_id.empty() && existing.count(link.parent_id) == 0)
        absent.insert(link.parent_id);
    });
    candidates.assign(absent.begin(), absent.end());
  }
  if (candidates.empty())
    co_return;
  std::vector<std::string> gone;
  try {
    gone = co_await conn.confirm_gone_parents(std::move(candidates));
  } catch (const ConnectorError& e) {
    spdlog::warn("{}: could not tell whether parents absent from the listing are gone: {}",
                 conn.collection(), e.what());
    co_return;
  }
  if (!gone.empty()) {
    spdlog::info("{}: {} parent(s) gone with their records: {}", conn.collection(), gone.size(),
                 fmt::join(gone, ", "));
  }
  for (std::string& parent : gone)
    listing.complete_parents.push_back(std::move(parent));
}

}  // namespace

struct PendingWrite {
  enum class Status { not_sent, done, failed };
  std::string key;
  Action action;
  Status status = Status::not_sent;
  std::optional<connectors::Record> stored;
  bool found_existing = false;
  bool lookup_first = true;  // create: look the email up in the target before creating
  ErrorClass error_class = ErrorClass::fatal;
  std::string message;
};

Engine::Engine(state::Store& store, mapping::SyncSettings settings,
               std::vector<connectors::Connector*> connectors)
    : store_(store), settings_(std::move(settings)), connectors_(std::move(connectors)) {}

connectors::Connector* Engine::connector(std::string_view collection) const {
  for (auto* c : connectors_) {
    if (c->collection() == collection)
      return c;
  }
  return nullptr;
}

std::size_t Engine::settings_rank(std::string_view collection) const {
  for (std::size_t i = 0; i < settings_.collections.size(); ++i) {
    if (settings_.collections[i].id == collection)
      return i;
  }
  return settings_.collections.size();
}

boost::asio::awaitable<CycleReport> Engine::run_cycle(CycleOptions options) {
  CycleReport report;
  report.dry_run = options.dry_run;
  if (options.batch == 0)
    options.batch = 1;

  // 0. Resume what an earlier cycle planned but did not finish.
  if (!options.dry_run) {
    std::size_t before = 0;
    {
      auto txn = store_.begin_read();
      before = state::Outbox::size(txn, store_);
    }
    if (before > 0) {
      spdlog::debug("cycle phase=resume: {} outbox entries left by an earlier run", before);
      report.resumed = before;
      const FreshWrites listed = co_await list_resumed_targets(options.listing_timeout);
      co_await drain_outbox(report, options, &listed);
      if (report.fatal)
        co_return report;
    }
  }

  // 1. List the collections (every enabled one, or `only`); no transaction
  //    is open here.
  // 2. Ingest + plan + outbox in one write transaction.
  // A cycle for `only` some collections that plans writes into a collection
  // it has not listed lists that one too and plans again before committing:
  // an edit made there since its last poll must meet this change in the
  // planner (where the conflict policy decides), not be overwritten unseen.
  std::vector<const mapping::CollectionSettings*> wanted;
  for (const auto& cs : settings_.collections) {
    if (!cs.enabled || connector(cs.id) == nullptr)
      continue;
    if (options.only.empty() ||
        std::find(options.only.begin(), options.only.end(), cs.id) != options.only.end())
      wanted.push_back(&cs);
  }
  const CycleReport before_listing = report;
  const bool everything_listed = options.only.empty();
  std::map<std::string, ListResult, std::less<>> listed_results;
  FreshWrites fresh;
  for (std::size_t round = 0;; ++round) {
    std::vector<const mapping::CollectionSettings*> to_list;
    std::vector<std::pair<connectors::Connector*, std::string>> jobs;
    for (const auto* cs : wanted) {
      if (listed_results.count(cs->id) != 0)
        continue;
      std::string since;
      if (!options.full_listing) {
        auto txn = store_.begin_read();
        since = state::read_cursor(txn, store_, cs->id);
      }
      to_list.push_back(cs);
      jobs.emplace_back(connector(cs->id), std::move(since));
    }
    if (stop_requested_)
      throw_cycle_cancelled();
    spdlog::debug("cycle phase=listing: {} collections", to_list.size());
    if (options.progress)
      options.progress(CyclePhase::listing, 0, to_list.size());
    std::function<void(std::size_t)> on_listed;
    if (options.progress) {
      on_listed = [&progress = options.progress, total = to_list.size()](std::size_t done) {
        progress(CyclePhase::listing, done, total);
      };
    }
    std::vector<ListResult> listings = co_await list_concurrently(
        std::move(jobs), on_listed, options.listing_timeout, cancel_listings_);
    if (stop_requested_)
      throw_cycle_cancelled();  // nothing planned, no cursor moved
    for (std::size_t i = 0; i < to_list.size(); ++i) {
      co_await add_gone_parents(store_, *connector(to_list[i]->id), listings[i]);
      listed_results[to_list[i]->id] = std::move(listings[i]);
    }
    if (options.progress)
      options.progress(CyclePhase::listing, to_list.size(), to_list.size());
    if (round == 0)
      fault(options, FaultPoint::after_list);

    // Observations keep the configured collection order: it decides which of
    // two same-cycle edits is applied first.
    report = before_listing;
    fresh.fully_listed.clear();
    fresh.unanswered.clear();
    std::map<std::string, std::string> cursors;
    std::vector<mapping::Observation> observations;
    for (const auto* cs : wanted) {
      auto found = listed_results.find(cs->id);
      if (found == listed_results.end())
        continue;
      // A later round plans again from the same listings, so they are copied;
      // unless every collection was listed (no `only`): then a round only
      // follows when a disabled collection became a write target, rare enough
      // to list everything again rather than copy every record each cycle.
      ListResult listed = everything_listed ? std::move(found->second) : found->second;
      report.collections[cs->id];  // every listed collection appears in the report
      if (listed.error) {
        report.failures.push_back(
            {cs->id, {}, {}, listed.error->error_class(), listed.error->what()});
      }
      if (listed.listing.complete && !listed.error)
        cursors[cs->id] = listed.listing.cursor;
      mapping::Observation obs = to_observation(cs->id, std::move(listed));
      if (obs.complete && obs.full)
        fresh.fully_listed.insert(cs->id);
      if (!obs.complete)
        report.unknown_collections.push_back(cs->id);
      if (listed.error && listed.error->error_class() == ErrorClass::transient)
        fresh.unanswered.insert(cs->id);
      report.collections[cs->id].records_seen += obs.records.size();
      observations.push_back(std::move(obs));
    }

    spdlog::debug("cycle phase=plan: {} collections listed", observations.size());
    auto txn = store_.begin_write();
    state::Tables tables(txn, store_);
    fresh.earlier_keys.clear();
    for (state::OutboxEntry& left : state::Outbox::pending(txn, store_))
      fresh.earlier_keys.insert(std::move(left.key));
    for (auto& obs : observations) {
      if (std::size_t moved = state::rekey_email_keyed_links(txn, store_, tables, obs)) {
        spdlog::info("{}: {} link(s) made before contacts were keyed by id now follow the id",
                     obs.collection, moved);
      }
    }
    ExecutorSink sink(txn, store_, report, options);
    mapping::plan(tables, observations, settings_, options.now_ms, sink);

    std::vector<const mapping::CollectionSettings*> unlisted_targets;
    for (const auto& cs : settings_.collections) {
      if (sink.write_targets().count(cs.id) != 0 && listed_results.count(cs.id) == 0 &&
          connector(cs.id) != nullptr)
        unlisted_targets.push_back(&cs);
    }
    if (!unlisted_targets.empty()) {
      // Rolled back (txn goes out of scope): list those too, plan again.
      for (const auto* cs : unlisted_targets)
        wanted.push_back(cs);
      if (everything_listed)
        listed_results.clear();  // moved into this round's observations: list again
      std::sort(wanted.begin(), wanted.end(), [this](const auto* a, const auto* b) {
        return settings_rank(a->id) < settings_rank(b->id);
      });
      continue;
    }
    if (!options.dry_run) {
      spdlog::debug("cycle phase=outbox: committing {} planned writes", report.planned_writes);
      // When a write had to be held back for a product that did not answer,
      // no cursor moves: the next cycle lists the same changes again and
      // plans that write once the product answers. Moving on would lose it
      // (an incremental listing never shows an unchanged record again).
      if (sink.deferred_targets().empty()) {
        for (const auto& [collection, cursor] : cursors)
          state::write_cursor(txn, store_, collection, cursor);
      } else {
        spdlog::debug("cycle: cursors kept; writes held back for {}",
                      fmt::join(sink.deferred_targets(), ", "));
      }
      std::move(txn).commit();
    }
    // A dry run's transaction is rolled back here: the state is untouched.
    break;
  }
  listed_results.clear();
  if (options.dry_run)
    co_return report;
  fault(options, FaultPoint::after_plan_commit);

  // 3. Send.
  co_await drain_outbox(report, options, &fresh);
  spdlog::debug("cycle phase=done: {} writes confirmed, {} pending", total_confirmed(report),
                report.pending);
  co_return report;
}

boost::asio::awaitable<Engine::FreshWrites> Engine::list_resumed_targets(
    std::chrono::milliseconds listing_timeout) {
  // Below this many, looking each create up costs less than a listing.
  constexpr std::size_t kListAbove = 10;
  std::map<std::string, std::size_t, std::less<>> creates;
  {
    auto txn = store_.begin_read();
    for (const state::OutboxEntry& e : state::Outbox::pending(txn, store_)) {
      const connectors::Connector* conn = connector(e.action.collection);
      if (e.action.kind == ActionKind::create && conn != nullptr && !conn->create_matches_email())
        ++creates[e.action.collection];
    }
  }
  FreshWrites fresh;
  std::vector<std::pair<connectors::Connector*, std::string>> jobs;
  std::vector<std::string> collections;
  for (const auto& [collection, n] : creates) {
    if (n >= kListAbove) {
      jobs.emplace_back(connector(collection), std::string());
      collections.push_back(collection);
    }
  }
  if (jobs.empty() || stop_requested_)
    co_return fresh;
  std::function<void(std::size_t)> no_progress;  // named: no temporaries inside co_await (GCC 12)
  std::vector<ListResult> listings = co_await list_concurrently(
      std::move(jobs), std::move(no_progress), listing_timeout, cancel_listings_);
  for (std::size_t i = 0; i < listings.size(); ++i) {
    const ListResult& listed = listings[i];
    const mapping::CollectionSpec* spec = mapping::find_collection(collections[i]);
    // Only a complete listing tells that an email is absent.
    if (listed.error || !listed.listing.complete || !listed.listing.full || spec == nullptr)
      continue;
    auto& emails = fresh.listed_emails[collections[i]];
    const std::string_view field = spec->email_field();
    for (const connectors::Record& record : listed.listing.records) {
      auto it = record.fields.find(field);
      if (it != record.fields.end())
        emails.insert(mapping::normalize_email(it->second));
    }
  }
  co_return fresh;
}

boost::asio::awaitable<void> Engine::drain_outbox(CycleReport& report, const CycleOptions& options,
                                                  const FreshWrites* fresh) {
  std::vector<state::OutboxEntry> entries;
  {
    auto txn = store_.begin_read();
    entries = state::Outbox::pending(txn, store_);
  }
  // Deletes and updates go before creates, never in one batch with them: a
  // create first looks its email up in the target, and an update or delete
  // of the same cycle may be moving that email off another record there.
  const auto creates_from = std::stable_partition(
      entries.begin(), entries.end(),
      [](const state::OutboxEntry& e) { return e.action.kind != ActionKind::create; });
  const std::size_t first_create = static_cast<std::size_t>(creates_from - entries.begin());
  // Writes to a collection stop for the rest of the cycle once
  // kTransientStreakToBlock batches in a row each had a transient failure
  // there and no success: the product is down, more writes only burn retries.
  // One failure alone does not block, so a single record the product keeps
  // answering with a 5xx stays pending without holding back every write
  // queued behind it.
  constexpr int kTransientStreakToBlock = 3;
  std::map<std::string, int, std::less<>> transient_streak;
  std::set<std::string, std::less<>> blocked;
  if (fresh != nullptr)
    blocked = fresh->unanswered;
  std::size_t sent = 0;
  for (std::size_t start = 0, end = 0; start < entries.size() && !report.fatal && !stop_requested_;
       start = end) {
    end = std::min(entries.size(), start + options.batch);
    if (start < first_create)
      end = std::min(end, first_create);
    std::vector<PendingWrite> writes;
    writes.reserve(end - start);
    for (std::size_t i = start; i < end; ++i) {
      PendingWrite w;
      w.key = std::move(entries[i].key);
      w.action = std::move(entries[i].action);
      writes.push_back(std::move(w));
    }
    for (PendingWrite& w : writes) {
      // A create needs no lookup when the planner just saw every record of
      // the target (a full listing this cycle found no record with the
      // email) and the entry was not left over from an earlier run (which may
      // have sent it before it died), or when the product's create matches
      // by email itself (an upsert).
      connectors::Connector* conn = connector(w.action.collection);
      w.lookup_first = conn == nullptr || !conn->create_matches_email();
      if (w.lookup_first && fresh != nullptr &&
          fresh->fully_listed.count(w.action.collection) != 0 &&
          fresh->earlier_keys.count(w.key) == 0) {
        w.lookup_first = false;
      }
      if (w.lookup_first && fresh != nullptr) {
        auto listed = fresh->listed_emails.find(w.action.collection);
        if (listed != fresh->listed_emails.end() &&
            listed->second.count(mapping::normalize_email(w.action.person_email)) == 0)
          w.lookup_first = false;
      }
    }
    spdlog::debug("cycle phase=send: writes {}..{} of {}", start + 1, end, entries.size());
    std::exception_ptr crash;
    co_await send_batch(writes, blocked, options, sent, entries.size(), crash);
    std::set<std::string, std::less<>> succeeded;
    std::set<std::string, std::less<>> failed_transiently;
    for (PendingWrite& w : writes) {
      if (w.status == PendingWrite::Status::done)
        succeeded.insert(w.action.collection);
      if (w.status != PendingWrite::Status::failed)
        continue;
      if (w.error_class == ErrorClass::transient)
        failed_transiently.insert(w.action.collection);
      if (w.error_class == ErrorClass::configuration || w.error_class == ErrorClass::fatal)
        report.fatal = true;
    }
    for (const std::string& collection : succeeded)
      transient_streak.erase(collection);
    for (const std::string& collection : failed_transiently) {
      if (succeeded.count(collection) == 0 &&
          ++transient_streak[collection] >= kTransientStreakToBlock)
        blocked.insert(collection);
    }
    if (crash)
      std::rethrow_exception(crash);
    // Record the results of this batch in one transaction.
    spdlog::debug("cycle phase=journal: recording writes {}..{}", start + 1, end);
    auto txn = store_.begin_write();
    state::Tables tables(txn, store_);
    for (PendingWrite& w : writes) {
      const Action& a = w.action;
      CollectionCounts& counts = report.collections[a.collection];
      if (w.status == PendingWrite::Status::not_sent ||
          (w.status == PendingWrite::Status::failed && w.error_class != ErrorClass::per_record)) {
        ++report.pending;  // stays in the outbox for the next cycle
        if (w.status == PendingWrite::Status::failed) {
          ++counts.failed;
          report.failures.push_back(
              {a.collection, a.record_id, a.person_email, w.error_class, w.message});
        }
        continue;
      }
      state::Outbox::erase(txn, store_, w.key);
      if (w.status == PendingWrite::Status::failed) {
        // Refused by the product: dropped from the outbox; the person is
        // planned again when one of its records changes.
        ++counts.failed;
        report.failures.push_back(
            {a.collection, a.record_id, a.person_email, w.error_class, w.message});
        continue;
      }
      ++counts.confirmed;
      const mapping::CollectionSpec* spec = mapping::find_collection(a.collection);
      auto person = tables.person(a.person);
      const mapping::FieldValues* hint = person ? &person->values : nullptr;
      std::string target_record = a.record_id;
      std::string modified;
      if (a.kind == ActionKind::remove) {
        tables.erase_link(a.collection, a.record_id);
        if (tables.links_of(a.person).empty())
          tables.erase_person(a.person);
      } else if (w.stored && spec != nullptr) {
        const connectors::Record& stored = *w.stored;
        target_record = stored.id;
        modified = std::to_string(stored.modified_ms);
        auto link = tables.link(a.collection, a.record_id.empty() ? stored.id : a.record_id);
        if (a.kind == ActionKind::create && link && link->person != a.person) {
          // Linked meanwhile (send_one checked before writing).
          report.failures.push_back({a.collection, stored.id, a.person_email,
                                     ErrorClass::per_record,
                                     "the record found by email is linked to another person"});
          continue;
        }
        mapping::LinkRow row;
        std::vector<mapping::ConflictRow> moved_conflicts;
        if (link) {
          row = *link;
          if (row.record_id != stored.id) {
            // The record answers under another id (a key from before
            // Contracts contacts were keyed by id): its conflicts move along.
            for (mapping::ConflictRow& c : tables.conflicts_of(row.person)) {
              if (c.collection == row.collection && c.record_id == row.record_id) {
                c.record_id = stored.id;
                moved_conflicts.push_back(std::move(c));
              }
            }
            tables.erase_link(row.collection, row.record_id);
          }
        }
        row.collection = a.collection;
        row.record_id = stored.id;
        row.person = a.person;
        // The base becomes what the product stored, so this write's echo is
        // no change on the next listing. An update's answer may also hold a
        // field a user edited while this write was on its way: only the
        // fields it wrote are taken, the edit stays a change to read.
        if (a.kind == ActionKind::update) {
          connectors::Fields written;
          for (const auto& [name, value] : stored.fields) {
            if (a.payload.count(name) != 0)
              written.emplace(name, value);
          }
          row.base = mapping::project_onto(*spec, written, row.base, hint);
        } else {
          row.base = mapping::project_onto(*spec, stored.fields, row.base, hint);
        }
        row.remote_time = stored.modified_ms;
        if (!stored.parent_id.empty()) {
          row.parent_id = stored.parent_id;
        } else if (row.parent_id.empty()) {
          row.parent_id = a.parent_id;
        }
        if (person) {
          tables.put_link(row);
          for (const mapping::ConflictRow& c : moved_conflicts)
            tables.put_conflict(c);
        }
      }
      state::JournalEntry entry;
      entry.time_ms = options.now_ms;
      entry.person_id = std::to_string(a.person);
      entry.person_email = a.person_email;
      entry.operation = std::string(mapping::to_string(a.kind));
      entry.origin_collection = a.origin_collection;
      entry.origin_record = a.origin_record;
      entry.target_collection = a.collection;
      entry.target_record = target_record;
      for (const auto& c : a.changes) {
        entry.fields.push_back({std::string(mapping::field_name(c.field)), c.before, c.after});
      }
      entry.product_modified_time = modified;
      entry.reason = w.found_existing
                         ? a.reason + "; found by email in the target: linked, not created again"
                         : a.reason;
      state::Journal::append(txn, store_, std::move(entry));
    }
    std::move(txn).commit();
    fault(options, FaultPoint::after_confirm);
  }
}

// Sends one batch's writes concurrently: each product's rate bucket and
// concurrency cap pace its own writes, a slow product does not hold back the
// others, and a connector that batches (CRM upserts 100 records per call)
// sees the whole batch at once. The writes move into shared state for the
// duration so that a cancelled cycle never leaves a send writing into a freed
// frame. A fault hook's exception (a simulated crash) comes back in `crash`
// once every write in flight has finished.
boost::asio::awaitable<void> Engine::send_batch(std::vector<PendingWrite>& writes,
                                                const std::set<std::string, std::less<>>& blocked,
                                                const CycleOptions& options, std::size_t& sent,
                                                std::size_t total, std::exception_ptr& crash) {
  struct Shared {
    Shared(const boost::asio::any_io_executor& executor, std::vector<PendingWrite> w)
        : writes(std::move(w)), tasks(executor) {}
    std::vector<PendingWrite> writes;
    std::exception_ptr crash;
    ChildTasks tasks;
  };
  auto executor = co_await boost::asio::this_coro::executor;
  auto shared = std::make_shared<Shared>(executor, std::move(writes));
  for (PendingWrite& w : shared->writes) {
    if (blocked.count(w.action.collection))
      continue;
    auto send = [](Engine* engine, PendingWrite* write,
                   const CycleOptions* opts) -> boost::asio::awaitable<void> {
      if (co_await engine->send_one(*write))
        fault(*opts, FaultPoint::after_send);
    };
    const std::size_t child = shared->tasks.add();
    boost::asio::co_spawn(executor, send(this, &w, &options),
                          boost::asio::bind_cancellation_slot(
                              shared->tasks.slot(child),
                              [shared, child, &options, &sent, total](std::exception_ptr error) {
                                if (error && !shared->crash)
                                  shared->crash = error;
                                if (options.progress)
                                  options.progress(CyclePhase::sending, ++sent, total);
                                shared->tasks.finished(child);
                              }));
  }
  const bool all_ended = co_await shared->tasks.wait_all();
  writes = std::move(shared->writes);
  crash = shared->crash;
  // Cancelled: the batch's results are not recorded; its writes stay in the
  // outbox and are resumed (a create looked up first), as after a crash.
  if (!all_ended && !crash)
    crash = std::make_exception_ptr(
        boost::system::system_error(boost::asio::error::operation_aborted, "cycle cancelled"));
}

void Engine::request_stop() {
  stop_requested_ = true;
  if (cancel_listings_)
    cancel_listings_();
}

std::optional<mapping::PersonId> Engine::linked_person(std::string_view collection,
                                                       std::string_view record_id) const {
  auto txn = store_.begin_read();
  if (auto link = state::read_link(txn, store_, collection, record_id))
    return link->person;
  return std::nullopt;
}

boost::asio::awaitable<bool> Engine::send_one(PendingWrite& w) {
  const Action& a = w.action;
  connectors::Connector* conn = connector(a.collection);
  if (conn == nullptr) {
    w.status = PendingWrite::Status::failed;
    w.error_class = ErrorClass::configuration;
    w.message = "no connector for " + a.collection;
    co_return false;
  }
  try {
    switch (a.kind) {
      case ActionKind::create: {
        // Look first: a retry or a resumed create must never duplicate.
        std::optional<connectors::Record> found;
        if (w.lookup_first)
          found = co_await conn->find_by_email(a.person_email);
        if (found) {
          // A record found by email that is linked to another person holds
          // that email only while a conflict keeps it there: writing this
          // person's fields into it would overwrite the other person's.
          if (auto owner = linked_person(a.collection, found->id); owner && *owner != a.person) {
            throw ConnectorError(ErrorClass::per_record,
                                 "the record found by email (" + found->id +
                                     ") is linked to another person; not written");
          }
          w.found_existing = true;
          connectors::Fields missing =
              missing_fields(mapping::find_collection(a.collection), a, *found);
          if (missing.empty()) {
            w.stored = std::move(found);
          } else {
            w.stored = co_await conn->update(found->id, found->parent_id, std::move(missing));
          }
        } else {
          w.stored = co_await conn->create(a.parent_id, a.payload);
        }
        break;
      }
      case ActionKind::update:
        // The record's id does not move with its email in any product (the
        // Contracts connector finds a contact's current URL key itself).
        w.stored = co_await conn->update(a.record_id, a.parent_id, a.payload);
        break;
      case ActionKind::remove:
        co_await conn->remove(a.record_id, a.parent_id);
        break;
      default:
        break;
    }
    w.status = PendingWrite::Status::done;
    co_return true;
  } catch (const ConnectorError& e) {
    w.status = PendingWrite::Status::failed;
    w.error_class = e.error_class();
    w.message = e.what();
  }
  co_return false;
}

boost::asio::awaitable<CycleReport> Engine::drain(CycleOptions options) {
  CycleReport report;
  if (options.batch == 0)
    options.batch = 1;
  co_await drain_outbox(report, options);
  co_return report;
}

CycleReport Engine::run_cycle_blocking(CycleOptions options) {
  boost::asio::io_context io;
  std::optional<CycleReport> result;
  std::exception_ptr error;
  boost::asio::co_spawn(io, run_cycle(std::move(options)),
                        [&](std::exception_ptr e, CycleReport report) {
                          error = e;
                          if (!e)
                            result = std::move(report);
                        });
  io.run();
  if (error)
    std::rethrow_exception(error);
  return std::move(*result);
}

}  // namespace zohosync::daemon
