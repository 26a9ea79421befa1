#pragma once
// `zohosync ARGS...` run to its end as a user runs it, with a bound: its
// exit code and what it printed, stdout and stderr apart.

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

}  // namespace zohosync::support
