#pragma once
// A cycle's listings: every collection listed at once (each product at its
// own pace and under its own budget), a listing cut at its deadline or by a
// stop, and what a listing says beyond its records (parents gone whole).

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "connectors/connector.hpp"
#include "mapping/observation.hpp"

namespace zohosync::state {
class Store;
}

namespace zohosync::daemon {

// One collection's listing, or why it failed (then it is incomplete).
struct ListResult {
  connectors::Listing listing;
  std::optional<connectors::ConnectorError> error;
};

// Lists each (connector, cursor) job concurrently; results come in job
// order. A listing still running after `timeout` (0: none) is cut and comes
// back incomplete with a transient error. While it runs, `cancel_hook` cancels
// every listing (a stop); the caller then ends the cycle. Throws
// operation_aborted when the calling coroutine itself is cancelled.
boost::asio::awaitable<std::vector<ListResult>> list_concurrently(
    std::vector<std::pair<connectors::Connector*, std::string>> jobs,
    std::function<void(std::size_t done)> on_done, std::chrono::milliseconds timeout,
    std::function<void()>& cancel_hook);

mapping::Observation to_observation(const std::string& collection, ListResult&& listed);

// Confirms the parents an incremental listing that names every existing
// parent no longer holds, and adds those gone to its complete_parents.
boost::asio::awaitable<void> add_gone_parents(const state::Store& store,
                                              connectors::Connector& conn, ListResult& listed);

[[noreturn]] void throw_cycle_cancelled();

}  // namespace zohosync::daemon
