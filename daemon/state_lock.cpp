#include "daemon/state_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>
#include <utility>

namespace zohosync::daemon {

namespace {

int open_lock_file(const std::filesystem::path& state_dir) {
  const std::string path = (state_dir / "cycle.lock").string();
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    throw std::system_error(errno, std::generic_category(), "cannot open " + path);
  return fd;
}

}  // namespace

StateLock StateLock::acquire(const std::filesystem::path& state_dir) {
  int fd = open_lock_file(state_dir);
  while (::flock(fd, LOCK_EX) != 0) {
    if (errno != EINTR) {
      int error = errno;
      ::close(fd);
      throw std::system_error(error, std::generic_category(), "cannot lock the state dir");
    }
  }
  return StateLock(fd);
}

std::optional<StateLock> StateLock::try_acquire(const std::filesystem::path& state_dir) {
  int fd = open_lock_file(state_dir);
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    int error = errno;
    ::close(fd);
    if (error == EWOULDBLOCK)
      return std::nullopt;
    throw std::system_error(error, std::generic_category(), "cannot lock the state dir");
  }
  return StateLock(fd);
}

StateLock::StateLock(StateLock&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}

StateLock& StateLock::operator=(StateLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0)
      ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

StateLock::~StateLock() {
  if (fd_ >= 0)
    ::close(fd_);  // closing the last descriptor releases the flock
}

}  // namespace zohosync::daemon
