#include "tests/support/run_zohosync.hpp"

#include <signal.h>

namespace zohosync::support {

Run run_zohosync(const std::vector<std::string>& args, const RunOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  ChildProcess child(ZOHOSYNC_EXE, args, options.env);
  Run run;
  run.exit_code = child.wait(options.limit);
  if (!run.exit_code) {
    // Over the bound: stopped, and what it printed until then kept.
    child.signal(SIGKILL);
    child.wait(Millis(10000));
  }
  run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  run.out = child.out();
  run.err = child.err();
  return run;
}

std::string sandbox_toml() {
  return std::string(ZOHOSYNC_SOURCE_DIR) + "/config/sandbox.toml";
}

std::vector<std::string> sandbox_args(std::uint16_t port, const std::string& state_dir,
                                      const std::string& config) {
  return {"--config",    config,    "--base-url",  "http://127.0.0.1:" + std::to_string(port),
          "--state-dir", state_dir, "--log-level", "warn"};
}

}  // namespace zohosync::support
