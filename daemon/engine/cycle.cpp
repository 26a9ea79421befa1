// GCC 12 reports a false -Wmismatched-new-delete on Asio's coroutine frames
// (awaitable_frame_base has matching class-level new/delete).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

// Engine::run_cycle: resume, list, plan, send.
#include <algorithm>
#include <map>

#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include "daemon/engine/engine.hpp"
#include "daemon/engine/listing.hpp"
#include "daemon/engine/plan_recorder.hpp"
#include "daemon/engine/write_budget.hpp"
#include "mapping/normalize.hpp"
#include "mapping/planner.hpp"
#include "state/email_keyed_links.hpp"
#include "state/listing_window.hpp"
#include "state/outbox.hpp"
#include "state/outbox_claims.hpp"
#include "state/store.hpp"
#include "state/tables.hpp"

namespace zohosync::daemon {

using connectors::ErrorClass;
using mapping::ActionKind;

boost::asio::awaitable<CycleReport> Engine::run_cycle(CycleOptions options) {
  CycleReport report;
  report.dry_run = options.dry_run;
  if (options.batch == 0)
    options.batch = 1;

  // 0. Resume what an earlier cycle planned but did not finish.
  if (!options.dry_run) {
    co_await resume(report, options);
    if (report.fatal || options.send_only)
      co_return report;
  }

  // 1. List the collections (no transaction open), 2. plan, putting every
  //    write into the outbox, in one write transaction.
  const FreshWrites fresh = co_await list_and_plan(report, options);
  if (options.dry_run)
    co_return report;
  fault(options, FaultPoint::after_plan_commit);

  // 3. Send.
  co_await sender_.drain(report, options, &fresh);
  spdlog::debug("cycle phase=done: {} writes confirmed, {} pending",
                report.total(&CollectionCounts::confirmed), report.pending);
  co_return report;
}

boost::asio::awaitable<void> Engine::resume(CycleReport& report, const CycleOptions& options) {
  std::size_t before = 0;
  {
    auto txn = store_.begin_read();
    before = state::Outbox::size(txn, store_);
  }
  if (before == 0)
    co_return;
  {
    // Include rules changed since a collection was last listed (a restart
    // with new ones): the writes left over were planned under the old
    // rules. They wait for this cycle's plan, which judges every record by
    // the new ones: a person now left out everywhere is gone from the state
    // by then, and creates for them are dropped (outbox_sender.cpp).
    auto txn = store_.begin_read();
    for (const mapping::CollectionSettings& cs : settings_.collections) {
      if (!state::read_cursor(txn, store_, cs.id).empty() && rules_changed(txn, cs)) {
        spdlog::info(
            "{} entries left in the outbox wait for this cycle's plan: {}'s include "
            "rules changed",
            before, cs.id);
        co_return;
      }
    }
  }
  spdlog::debug("cycle phase=resume: {} outbox entries left by an earlier run", before);
  report.resumed = before;
  const FreshWrites listed = co_await list_resumed_targets(options);
  co_await sender_.drain(report, options, &listed);
}

// A cycle for `only` some collections that plans writes into a collection it
// has not listed lists that one too and plans again before committing: an
// edit made there since its last poll must meet this change in the planner
// (where the conflict policy decides), not be overwritten unseen. Which
// collections a plan writes into is known only once the listings are read,
// so that takes a second round; listing every target up front would spend
// each product's budget on every other product's poll.
boost::asio::awaitable<FreshWrites> Engine::list_and_plan(CycleReport& report,
                                                          const CycleOptions& options) {
  std::vector<const mapping::CollectionSettings*> wanted;
  for (const auto& cs : settings_.collections) {
    if (!cs.enabled || connector(cs.id) == nullptr)
      continue;
    if (options.only.empty() ||
        std::find(options.only.begin(), options.only.end(), cs.id) != options.only.end())
      wanted.push_back(&cs);
  }
  const CycleReport before_listing = report;
  // Registered before anything is listed: what another process changes from
  // here on is left out of this plan (listing_window.hpp). A dry run writes
  // nothing, not even this; its report may then count such a record.
  std::optional<std::uint64_t> listing_since;
  if (!options.dry_run) {
    auto txn = store_.begin_write();
    listing_since = state::begin_listing(txn, store_, owner_);
    std::move(txn).commit();
  }
  // With every collection listed, no later round can follow (writes only go
  // to enabled collections, all listed), so the listings move into the
  // plan; otherwise they are copied, for the next round to plan from again.
  const bool everything_listed = options.only.empty();
  std::map<std::string, ListResult, std::less<>> listed;
  for (std::size_t round = 0;; ++round) {
    co_await list_unlisted(wanted, listed, options);
    if (round == 0)
      fault(options, FaultPoint::after_list);

    // Observations keep the configured collection order: it decides which of
    // two same-cycle edits is applied first.
    report = before_listing;
    FreshWrites fresh;
    std::map<std::string, std::string> cursors;
    std::vector<mapping::Observation> observations;
    for (const auto* cs : wanted) {
      auto found = listed.find(cs->id);
      if (found == listed.end())
        continue;
      ListResult result = everything_listed ? std::move(found->second) : found->second;
      report.collections[cs->id];  // every listed collection appears in the report
      if (result.error) {
        report.failures.push_back(
            {cs->id, {}, {}, result.error->error_class(), result.error->what()});
        if (result.error->unreachable())
          report.unreachable_collections.insert(cs->id);
        if (result.error->error_class() == ErrorClass::transient)
          fresh.unanswered.insert(cs->id);
      }
      if (result.listing.complete && !result.error)
        cursors[cs->id] = result.listing.cursor;
      mapping::Observation obs = to_observation(cs->id, std::move(result));
      if (obs.complete && obs.full)
        fresh.fully_listed.insert(cs->id);
      if (!obs.complete)
        report.unknown_collections.push_back(cs->id);
      report.collections[cs->id].records_seen += obs.records.size();
      observations.push_back(std::move(obs));
    }

    spdlog::debug("cycle phase=plan: {} collections listed", observations.size());
    auto txn = store_.begin_write();
    std::set<std::string, std::less<>> stale_listings;
    if (listing_since) {
      for (mapping::Observation& obs : observations) {
        if (leave_out_touched(txn, obs, *listing_since)) {
          stale_listings.insert(obs.collection);
          fresh.fully_listed.erase(obs.collection);
        }
      }
      // Ended before planning, so that this plan's own changes are noted
      // only for another process's listing, if one is on the wire. (A round
      // that lists more rolls this back: the registration stays.)
      state::end_listing(txn, store_, owner_);
    }
    state::Tables tables(txn, store_);
    for (state::OutboxEntry& left : state::Outbox::pending(txn, store_))
      fresh.earlier_keys.insert(std::move(left.key));
    for (const auto& obs : observations) {
      if (std::size_t moved = state::rekey_email_keyed_links(txn, store_, tables, obs)) {
        spdlog::info("{}: {} link(s) made before contacts were keyed by id now follow the id",
                     obs.collection, moved);
      }
    }
    PlanRecorder recorder(txn, store_, report, options);
    mapping::plan(tables, observations, settings_, options.now_ms, recorder);

    bool unlisted_target = false;
    for (const auto& cs : settings_.collections) {
      if (recorder.write_targets().count(cs.id) != 0 && listed.count(cs.id) == 0 &&
          connector(cs.id) != nullptr) {
        wanted.push_back(&cs);
        unlisted_target = true;
      }
    }
    if (unlisted_target) {
      // Rolled back (txn goes out of scope): list those too, plan again.
      if (everything_listed)
        listed.clear();  // moved into this round's observations: list again
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
      // A listing that held records another process changed meanwhile keeps
      // its cursor too: the next cycle reads them again, newer than the change.
      // So does one whose records the include rules would leave out en masse
      // (the guard refused; with changed rules, the next listing is full again).
      if (recorder.deferred_targets().empty()) {
        for (const auto& [collection, cursor] : cursors) {
          if (stale_listings.count(collection) != 0 || recorder.unjudged().count(collection) != 0)
            continue;
          state::write_cursor(txn, store_, collection, cursor);
          if (const auto* cs = settings_.collection(collection); cs && rules_changed(txn, *cs))
            state::write_listed_rules(txn, store_, collection, common::fingerprint(cs->include));
        }
      } else {
        spdlog::debug("cycle: cursors kept; writes held back for {}",
                      fmt::join(recorder.deferred_targets(), ", "));
      }
      std::move(txn).commit();
    }
    // A dry run's transaction is rolled back here: the state is untouched.
    co_return fresh;
  }
}

bool Engine::rules_changed(const state::Txn& txn, const mapping::CollectionSettings& cs) const {
  return state::read_listed_rules(txn, store_, cs.id) != common::fingerprint(cs.include);
}

// Leaves out of `obs` the records whose links another process changed
// (linked, unlinked, or recorded a write to) after `since`, when this cycle's
// listing began: the listing shows them as they were before. A write still on
// the wire is seen once it is recorded (outbox_sender.cpp checks its own
// side). True when there were any.
bool Engine::leave_out_touched(const state::Txn& txn, mapping::Observation& obs,
                               std::uint64_t since) const {
  std::set<std::string, std::less<>> touched =
      state::touched_since(txn, store_, obs.collection, since);
  if (touched.empty())
    return false;
  spdlog::debug("{}: {} record(s) changed by another process while listed; judged next cycle",
                obs.collection, touched.size());
  std::erase_if(obs.records,
                [&](const mapping::ObservedRecord& r) { return touched.count(r.id) != 0; });
  std::erase_if(obs.deleted, [&](const std::string& id) { return touched.count(id) != 0; });
  obs.not_judged = std::move(touched);
  return true;
}

// Lists the wanted collections not listed yet, each from its stored cursor
// (or from the start for a full listing), into `listed`.
boost::asio::awaitable<void> Engine::list_unlisted(
    const std::vector<const mapping::CollectionSettings*>& wanted,
    std::map<std::string, ListResult, std::less<>>& listed, const CycleOptions& options) {
  std::vector<const mapping::CollectionSettings*> to_list;
  std::vector<std::pair<connectors::Connector*, std::string>> jobs;
  for (const auto* cs : wanted) {
    if (listed.count(cs->id) != 0)
      continue;
    std::string since;
    if (!options.full_listing) {
      auto txn = store_.begin_read();
      since = state::read_cursor(txn, store_, cs->id);
      if (!since.empty() && rules_changed(txn, *cs)) {
        spdlog::info("{}: its include rules changed since it was last listed: listing it in full",
                     cs->id);
        since.clear();
      }
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
    listed[to_list[i]->id] = std::move(listings[i]);
  }
  if (options.progress)
    options.progress(CyclePhase::listing, to_list.size(), to_list.size());
}

// Lists in full the collections many resumed creates go to (one listing
// instead of one lookup per create, which may scan every parent).
boost::asio::awaitable<FreshWrites> Engine::list_resumed_targets(const CycleOptions& options) {
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
    // A product whose writes must not wait for its budget is not listed
    // whole here either (that is what reading it in slices avoids): its
    // creates are looked up one by one, as its budget allows.
    if (options.write_budget != nullptr && options.write_budget->available(collection))
      continue;
    if (n >= kListAbove) {
      jobs.emplace_back(connector(collection), std::string());
      collections.push_back(collection);
    }
  }
  if (jobs.empty() || stop_requested_)
    co_return fresh;
  // Registered like a cycle's listing: a create another process records
  // there meanwhile must not read as absent (listing_window.hpp); one still
  // on the wire when this listing ends is covered by the claims (a create
  // given back or taken over is looked up first).
  std::uint64_t since = 0;
  {
    auto txn = store_.begin_write();
    since = state::begin_listing(txn, store_, owner_);
    // Claims leave with their entries: every claim is on a pending entry.
    state::for_each_claim(txn, store_, [&](std::string_view key, std::string_view claimant) {
      if (state::claimed_by_other(store_, claimant, owner_))
        fresh.in_flight_at_listing.emplace(key);
    });
    std::move(txn).commit();
  }
  std::function<void(std::size_t)> no_progress;  // named: no temporaries inside co_await (GCC 12)
  std::vector<ListResult> listings = co_await list_concurrently(
      std::move(jobs), std::move(no_progress), options.listing_timeout, cancel_listings_);
  std::set<std::string, std::less<>> changed_meanwhile;
  {
    auto txn = store_.begin_write();
    for (const std::string& collection : collections) {
      if (!state::touched_since(txn, store_, collection, since).empty())
        changed_meanwhile.insert(collection);
    }
    state::end_listing(txn, store_, owner_);
    std::move(txn).commit();
  }
  for (std::size_t i = 0; i < listings.size(); ++i) {
    if (changed_meanwhile.count(collections[i]) != 0)
      continue;  // every create there is looked up first
    const ListResult& result = listings[i];
    const mapping::CollectionSpec* spec = mapping::find_collection(collections[i]);
    // Only a complete listing tells that an email is absent.
    if (result.error || !result.listing.complete || !result.listing.full || spec == nullptr)
      continue;
    auto& emails = fresh.listed_emails[collections[i]];
    const std::string_view field = spec->email_field();
    for (const connectors::Record& record : result.listing.records) {
      auto it = record.fields.find(field);
      if (it != record.fields.end())
        emails.insert(mapping::normalize_email(it->second));
    }
  }
  co_return fresh;
}

}  // namespace zohosync::daemon
