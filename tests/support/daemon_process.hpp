#pragma once
// `zohosync daemon` as systemd runs it: NOTIFY_SOCKET names a socket the
// test reads (READY=1, STOPPING=1), and its output goes to a log file the
// test reads while it runs.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "tests/support/child_process.hpp"
#include "tests/support/notify_socket.hpp"

namespace zohosync::support {

struct DaemonProcess {
  // Starts `zohosync daemon --config CONFIG`; DIR/daemon-TAG.log and
  // DIR/notify-TAG are its log and notify socket.
  DaemonProcess(const std::filesystem::path& dir, const std::string& config,
                const std::string& tag);

  // The port of /metrics and /healthz as the daemon logs it, waiting at most
  // `limit`; nullopt when it has not said.
  std::optional<std::uint16_t> metrics_port(Millis limit);

  std::filesystem::path log;
  NotifySocket notify;
  ChildProcess process;
};

}  // namespace zohosync::support
