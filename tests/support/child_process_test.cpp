// ChildProcess as the process-level tests rely on it: output captured apart
// and whole (also past a pipe's capacity), the environment added to, a bound
// on every wait, and nothing left behind: no process, no descriptor.
#include <doctest/doctest.h>

#include <signal.h>
#include <sys/wait.h>

#include <filesystem>

#include "tests/support/child_process.hpp"
#include "tests/support/files.hpp"
#include "tests/support/temp_dir.hpp"

namespace zohosync::support {
namespace {

using namespace std::chrono_literals;

std::size_t open_descriptors() {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator("/proc/self/fd"))
    ++n;
  return n;
}

TEST_CASE("child process: stdout and stderr apart, the exit code, the environment added") {
  ChildProcess child("/bin/sh", {"-c", "echo \"out $ZOHOSYNC_SUPPORT_TEST\"; echo err >&2; exit 3"},
                     {{"ZOHOSYNC_SUPPORT_TEST", "set"}});
  CHECK(child.wait(10s) == 3);
  CHECK(child.out() == "out set\n");
  CHECK(child.err() == "err\n");
}

TEST_CASE("child process: output past a pipe's capacity does not block the child") {
  ChildProcess child("/bin/sh", {"-c", "head -c 1000000 /dev/zero"});
  CHECK(child.wait(10s) == 0);
  CHECK(child.out().size() == 1000000);
}

TEST_CASE("child process: a signal is 128+N, a missing program 127") {
  ChildProcess sleeper("/bin/sleep", {"30"});
  sleeper.signal(SIGTERM);
  CHECK(sleeper.wait(10s) == 128 + SIGTERM);
  ChildProcess missing("/nonexistent/zohosync", {});
  CHECK(missing.wait(10s) == 127);
}

TEST_CASE("child process: the wait is bounded and the destructor leaves nothing behind") {
  const std::size_t before = open_descriptors();
  pid_t pid = -1;
  {
    ChildProcess child("/bin/sleep", {"30"});
    pid = child.pid();
    CHECK_FALSE(child.wait(100ms).has_value());
    CHECK(child.running());
  }
  int status = 0;
  CHECK(::waitpid(pid, &status, WNOHANG) == -1);  // reaped: no zombie, no process
  CHECK(open_descriptors() == before);
}

TEST_CASE("child process: output to a log file the test reads while it runs") {
  TempDir dir;
  const auto log = dir.path() / "child.log";
  ChildProcess child("/bin/sh", {"-c", "echo ready at 42; echo err >&2; sleep 30"}, {}, log);
  CHECK(wait_for_line(log, "ready at ", 10s) == "42");
  child.signal(SIGKILL);
  CHECK(child.wait(10s) == 128 + SIGKILL);
  CHECK(read_file(log) == "ready at 42\nerr\n");
  CHECK(child.out().empty());
}

}  // namespace
}  // namespace zohosync::support
