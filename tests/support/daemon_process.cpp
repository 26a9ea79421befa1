#include "tests/support/daemon_process.hpp"

#include "tests/support/files.hpp"

namespace zohosync::support {

DaemonProcess::DaemonProcess(const std::filesystem::path& dir, const std::string& config,
                             const std::string& tag)
    : log(dir / ("daemon-" + tag + ".log")),
      notify(dir / ("notify-" + tag)),
      process(ZOHOSYNC_EXE, {"daemon", "--config", config}, {{"NOTIFY_SOCKET", notify.path()}},
              log) {}

std::optional<std::uint16_t> DaemonProcess::metrics_port(Millis limit) {
  const auto rest = wait_for_line(log, "metrics and health on http://127.0.0.1:", limit);
  if (!rest)
    return std::nullopt;
  return static_cast<std::uint16_t>(std::stoi(*rest));
}

}  // namespace zohosync::support
