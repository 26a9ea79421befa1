#pragma once
// One daemon per state dir. Two daemons on one dir would poll every
// collection twice, spending the shared request budgets on the same work.
// The daemon holds flock(2) on "<state dir>/daemon.pid"
// (which names its PID) for its whole life; a second daemon finds it held
// and refuses to start. A one-shot reconcile does not take it: it cycles
// beside the daemon at the same time (engine.hpp says how the two keep out
// of each other's way).
// The kernel releases the lock when the process dies, so a killed daemon
// never blocks its successor.

#include <sys/types.h>

#include <filesystem>
#include <utility>
#include <variant>

#include "daemon/locked_file.hpp"

namespace zohosync::daemon {

class InstanceLock {
 public:
  // Held: the lock, with this process's PID written in the file. Otherwise
  // the PID of the daemon that holds it (0 when the file names none).
  // Throws std::system_error on I/O errors.
  static std::variant<InstanceLock, pid_t> acquire(const std::filesystem::path& state_dir);

  // Whether a daemon runs on `state_dir` now (taking and creating nothing):
  // the time since a collection was last read only means something while
  // one runs.
  static bool daemon_running(const std::filesystem::path& state_dir);

 private:
  explicit InstanceLock(LockedFile file) : file_(std::move(file)) {}
  LockedFile file_;
};

}  // namespace zohosync::daemon
