#pragma once
// The signals a service manager sends, turned into calls on the io_context:
// SIGHUP reloads the configuration, SIGTERM and SIGINT stop the daemon. A
// second SIGTERM/SIGINT while stopping stops at once (an impatient operator).

#include <boost/asio/any_io_executor.hpp>

#include <functional>
#include <memory>

namespace zohosync::daemon {

struct SignalActions {
  std::function<void()> reload;    // SIGHUP
  std::function<void()> stop;      // first SIGTERM/SIGINT
  std::function<void()> stop_now;  // any later one
};

class SignalHandler {
 public:
  SignalHandler(boost::asio::any_io_executor executor, SignalActions actions);
  ~SignalHandler();
  SignalHandler(const SignalHandler&) = delete;
  SignalHandler& operator=(const SignalHandler&) = delete;
  // Stops listening (the daemon is exiting).
  void cancel();

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace zohosync::daemon
