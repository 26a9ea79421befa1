#pragma once
// An exclusive flock(2) on a file, held for as long as the object lives
// (moved, never copied). The kernel releases it when the process dies, so a
// killed process never leaves a stale lock behind. The state dir's locks
// (instance_lock.hpp) are built on it.

#include <filesystem>
#include <optional>

namespace zohosync::daemon {

class LockedFile {
 public:
  // Opens `path` (created 0600 when missing) and locks it. With `wait`, blocks
  // until the lock is free; otherwise returns nullopt when another process
  // holds it. Throws std::system_error on I/O errors.
  static std::optional<LockedFile> lock(const std::filesystem::path& path, bool wait);

  LockedFile(LockedFile&& other) noexcept;
  LockedFile& operator=(LockedFile&& other) noexcept;
  LockedFile(const LockedFile&) = delete;
  LockedFile& operator=(const LockedFile&) = delete;
  ~LockedFile();  // closing the descriptor releases the lock

  int fd() const { return fd_; }

 private:
  explicit LockedFile(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace zohosync::daemon
