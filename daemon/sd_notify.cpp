#include "daemon/sd_notify.hpp"

#include <spdlog/spdlog.h>
#include <systemd/sd-daemon.h>
#include <string>

namespace zohosync::daemon {

Notifier::Notifier() {
  std::uint64_t usec = 0;
  // unset_environment = 0: child processes do not exist, and tests read it back.
  if (sd_watchdog_enabled(0, &usec) > 0 && usec > 0)
    watchdog_ = std::chrono::microseconds(usec);
}

void Notifier::send(const char* message) {
  int r = sd_notify(0, message);
  if (r < 0)
    spdlog::debug("sd_notify failed: {}", r);
}

void Notifier::ready() {
  send("READY=1");
}

void Notifier::status(std::string_view line) {
  std::string message = "STATUS=";
  for (char c : line)
    message += (c == '\n') ? ' ' : c;  // one line: a newline would start a new assignment
  send(message.c_str());
}

void Notifier::watchdog() {
  send("WATCHDOG=1");
}

void Notifier::stopping() {
  send("STOPPING=1");
}

void Notifier::reloading() {
  send("RELOADING=1");
}

}  // namespace zohosync::daemon
