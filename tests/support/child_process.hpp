#pragma once
// A program the tests start as a real process: fork/exec with an argument
// vector (no shell), variables added to its environment, its output either
// captured (stdout and stderr apart, read while waiting so that a chatty
// child never blocks on a full pipe) or appended to a file the test reads
// while it runs (a daemon's log, the crash harness's FIFO). Every wait is
// bounded; a child still running when its ChildProcess goes away is
// SIGKILLed and reaped, so no test leaves a process or a descriptor behind.

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace zohosync::support {

using Millis = std::chrono::milliseconds;
using Env = std::map<std::string, std::string>;

class ChildProcess {
 public:
  // Runs `exe args...` (a name without '/' is looked up in PATH) with `env`
  // added to the environment; stdout and stderr are captured apart (out(),
  // err()).
  ChildProcess(const std::string& exe, const std::vector<std::string>& args, const Env& env = {});
  // The same with stdout and stderr appended to `log` (created 0600 when
  // missing; a FIFO must already have its reader).
  ChildProcess(const std::string& exe, const std::vector<std::string>& args, const Env& env,
               const std::filesystem::path& log);
  ~ChildProcess();  // SIGKILL + reap when still running
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  void signal(int number) const;
  // The exit status (WEXITSTATUS), 128+N for signal N, or nullopt when it
  // did not end within `limit` (it is left running).
  std::optional<int> wait(Millis limit);
  bool running();

  // Captured output so far (complete once wait() has returned a status).
  const std::string& out() const { return out_; }
  const std::string& err() const { return err_; }

 private:
  void start(const std::string& exe, const std::vector<std::string>& args, const Env& env,
             int out_fd, int err_fd);
  // Reads what the capture pipes hold, waiting at most `limit` for some.
  void pump(Millis limit);
  // After the exit: the rest of the captured output, up to its end.
  void finish_output();
  void close_pipes();

  pid_t pid_ = -1;
  std::optional<int> status_;
  int out_pipe_ = -1;
  int err_pipe_ = -1;
  std::string out_;
  std::string err_;
};

}  // namespace zohosync::support
