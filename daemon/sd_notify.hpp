#pragma once
// systemd Type=notify messages through libsystemd's sd_notify(). Outside
// systemd (no NOTIFY_SOCKET) every call is a cheap no-op, so the daemon calls
// them unconditionally.

#include <chrono>
#include <optional>
#include <string_view>

namespace zohosync::daemon {

class Notifier {
 public:
  // Reads WATCHDOG_USEC/WATCHDOG_PID once (sd_watchdog_enabled).
  Notifier();

  void ready();                        // READY=1: the first connection check succeeded
  void status(std::string_view line);  // STATUS=...: one line shown by systemctl status
  void watchdog();                     // WATCHDOG=1
  void stopping();                     // STOPPING=1
  void reloading();                    // RELOADING=1 (followed by ready() when done)

  // The watchdog interval systemd asked for, when it asked for one.
  std::optional<std::chrono::microseconds> watchdog_interval() const { return watchdog_; }

 private:
  void send(const char* message);
  std::optional<std::chrono::microseconds> watchdog_;
};

}  // namespace zohosync::daemon
