#pragma once
// Process-level helpers for the daemon tests: start `zohosync` as a child
// with its output in a log file, signal it, wait for it with a bound; a unix
// datagram socket standing in for systemd's NOTIFY_SOCKET.

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace zohosync::daemon::test {

using Millis = std::chrono::milliseconds;

class ChildProcess {
 public:
  // Runs `exe args...` with `env` added to the environment; stdout and stderr
  // go to `log`.
  ChildProcess(const std::string& exe, const std::vector<std::string>& args,
               const std::map<std::string, std::string>& env, const std::filesystem::path& log);
  ~ChildProcess();  // SIGKILL + reap when still running
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  void signal(int number) const;
  // The exit status (WEXITSTATUS), 128+N for a signal, or nullopt when it did
  // not end within `limit`.
  std::optional<int> wait(Millis limit);
  bool running();

 private:
  pid_t pid_ = -1;
  std::optional<int> status_;
};

// systemd's side of sd_notify(): a datagram socket the child's NOTIFY_SOCKET
// names, drained continuously by a thread as systemd would (a full socket
// would block the daemon's sd_notify() calls).
class NotifySocket {
 public:
  explicit NotifySocket(const std::filesystem::path& path);
  ~NotifySocket();
  NotifySocket(const NotifySocket&) = delete;
  NotifySocket& operator=(const NotifySocket&) = delete;

  const std::string& path() const { return path_; }
  // Reads messages until one holds `assignment` (e.g. "READY=1") or `limit`
  // passes; every message read is kept in messages().
  bool wait_for(const std::string& assignment, Millis limit);

 private:
  void drain();
  int fd_ = -1;
  std::string path_;
  std::mutex mutex_;
  std::vector<std::string> lines_;
  std::atomic<bool> stop_{false};
  std::thread reader_;
};

std::string read_file(const std::filesystem::path& file);
// Waits (bounded) until `file` contains `needle`; returns the text after it
// up to the end of that line, or nullopt.
std::optional<std::string> wait_for_line(const std::filesystem::path& file,
                                         const std::string& needle, Millis limit);

}  // namespace zohosync::daemon::test
