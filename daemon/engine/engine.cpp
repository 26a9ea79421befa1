// GCC 12 reports a false -Wmismatched-new-delete on Asio's coroutine frames
// (awaitable_frame_base has matching class-level new/delete).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

#include "daemon/engine/engine.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <optional>

#include "state/store.hpp"

namespace zohosync::daemon {

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

Engine::Engine(state::Store& store, mapping::SyncSettings settings,
               std::vector<connectors::Connector*> connectors)
    : store_(store),
      settings_(std::move(settings)),
      connectors_(std::move(connectors)),
      owner_(store.owner()) {}

connectors::Connector* Engine::connector(std::string_view collection) const {
  return connectors::find_connector(connectors_, collection);
}

std::size_t Engine::settings_rank(std::string_view collection) const {
  for (std::size_t i = 0; i < settings_.collections.size(); ++i) {
    if (settings_.collections[i].id == collection)
      return i;
  }
  return settings_.collections.size();
}

void Engine::request_stop() {
  stop_requested_ = true;
  if (cancel_listings_)
    cancel_listings_();
}

boost::asio::awaitable<CycleReport> Engine::drain(CycleOptions options) {
  CycleReport report;
  if (options.batch == 0)
    options.batch = 1;
  co_await sender_.drain(report, options, nullptr);
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
