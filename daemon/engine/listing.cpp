// GCC 12 reports a false -Wmismatched-new-delete on Asio's coroutine frames
// (awaitable_frame_base has matching class-level new/delete).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

#include "daemon/engine/listing.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/system/system_error.hpp>
#include <iterator>
#include <memory>
#include <set>
#include <unordered_set>

#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include "daemon/engine/child_tasks.hpp"
#include "state/store.hpp"
#include "state/tables.hpp"

namespace zohosync::daemon {

using connectors::ConnectorError;
using connectors::ErrorClass;

namespace {

// A failed listing comes back as an incomplete one with its error.
boost::asio::awaitable<ListResult> list_guarded(connectors::Connector* conn, std::string since) {
  ListResult result;
  try {
    // Named first: GCC 12 mishandles temporaries with destructors inside a
    // co_await expression.
    auto listing = conn->list(std::move(since));
    result.listing = co_await std::move(listing);
  } catch (const ConnectorError& e) {
    result.error = e;
  }
  if (result.error)
    result.listing.complete = false;
  co_return result;
}

}  // namespace

void throw_cycle_cancelled() {
  throw boost::system::system_error(boost::asio::error::operation_aborted, "cycle cancelled");
}

// Products answer at their own pace (and under their own rate limits), so a
// cycle's listing takes as long as the slowest product, not the sum of all.
// The state is shared with the spawned listings so that a cancelled cycle
// never leaves them writing into a freed frame.
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

}  // namespace zohosync::daemon
