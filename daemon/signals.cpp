#include "daemon/signals.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/signal_set.hpp>
#include <csignal>

namespace zohosync::daemon {

struct SignalHandler::Impl : std::enable_shared_from_this<SignalHandler::Impl> {
  Impl(boost::asio::any_io_executor ex, SignalActions a)
      : signals(ex, SIGHUP, SIGTERM, SIGINT), actions(std::move(a)) {}

  void wait() {
    signals.async_wait([self = shared_from_this()](boost::system::error_code ec, int number) {
      if (ec)
        return;  // cancelled
      if (number == SIGHUP) {
        spdlog::info("SIGHUP: reloading the configuration");
        if (self->actions.reload)
          self->actions.reload();
      } else if (!self->stopping) {
        self->stopping = true;
        spdlog::info("{}: stopping", number == SIGTERM ? "SIGTERM" : "SIGINT");
        if (self->actions.stop)
          self->actions.stop();
      } else {
        spdlog::warn("{} again: stopping now", number == SIGTERM ? "SIGTERM" : "SIGINT");
        if (self->actions.stop_now)
          self->actions.stop_now();
      }
      self->wait();
    });
  }

  boost::asio::signal_set signals;
  SignalActions actions;
  bool stopping = false;
};

SignalHandler::SignalHandler(boost::asio::any_io_executor executor, SignalActions actions)
    : impl_(std::make_shared<Impl>(executor, std::move(actions))) {
  impl_->wait();
}

SignalHandler::~SignalHandler() {
  cancel();
}

void SignalHandler::cancel() {
  boost::system::error_code ec;
  impl_->signals.cancel(ec);
}

}  // namespace zohosync::daemon
