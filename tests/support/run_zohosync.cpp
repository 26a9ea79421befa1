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

}  // namespace zohosync::support
