#pragma once
// An advisory lock on the state dir, held around each cycle, so that a
// one-shot `zohosync reconcile` and a running daemon never run a cycle at the
// same time (LMDB would keep the store consistent, but two executors would
// both send the same outbox entries). A LockedFile on "<state dir>/cycle.lock".

#include <filesystem>
#include <optional>
#include <utility>

#include "daemon/locked_file.hpp"

namespace zohosync::daemon {

class StateLock {
 public:
  // Blocks until the lock is free. Throws std::system_error on I/O errors.
  static StateLock acquire(const std::filesystem::path& state_dir);
  // Returns nullopt when another process holds it.
  static std::optional<StateLock> try_acquire(const std::filesystem::path& state_dir);

 private:
  explicit StateLock(LockedFile file) : file_(std::move(file)) {}
  LockedFile file_;
};

}  // namespace zohosync::daemon
