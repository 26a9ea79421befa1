#pragma once
// `zohosync ARGS...` run to its end as a user runs it, with a bound: its
// exit code and what it printed, stdout and stderr apart.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/child_process.hpp"

namespace zohosync::support {

struct Run {
  std::optional<int> exit_code;  // nullopt: still running at the bound (then killed)
  double seconds = 0;
  std::string out;
  std::string err;
};

struct RunOptions {
  Env env{};  // added to the environment
  // A run past this is a hang; every command the tests run ends well within it.
  Millis limit{120000};
};

// Runs the zohosync built with the tests (ZOHOSYNC_EXE).
Run run_zohosync(const std::vector<std::string>& args, const RunOptions& options = {});

// The committed config/sandbox.toml, which runs against any sandbox port.
std::string sandbox_toml();
// The arguments that point a command at the sandbox on `port` with the
// state in `state_dir`: --config CONFIG --base-url http://127.0.0.1:PORT
// --state-dir DIR --log-level warn.
std::vector<std::string> sandbox_args(std::uint16_t port, const std::string& state_dir,
                                      const std::string& config = sandbox_toml());

}  // namespace zohosync::support
