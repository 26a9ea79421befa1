#pragma once
// An advisory lock on the state dir, held around each cycle, so that a
// one-shot `zohosync reconcile` and a running daemon never run a cycle at the
// same time (LMDB would keep the store consistent, but two executors would
// both send the same outbox entries). flock(2) on "<state dir>/cycle.lock":
// released by the kernel when the process dies, so a killed run never leaves
// a stale lock behind.

#include <chrono>
#include <filesystem>
#include <optional>

namespace zohosync::daemon {

class StateLock {
 public:
  // Blocks until the lock is free. Throws std::system_error on I/O errors.
  static StateLock acquire(const std::filesystem::path& state_dir);
  // Returns nullopt when another process holds it.
  static std::optional<StateLock> try_acquire(const std::filesystem::path& state_dir);

  StateLock(StateLock&& other) noexcept;
  StateLock& operator=(StateLock&& other) noexcept;
  StateLock(const StateLock&) = delete;
  StateLock& operator=(const StateLock&) = delete;
  ~StateLock();

 private:
  explicit StateLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace zohosync::daemon
