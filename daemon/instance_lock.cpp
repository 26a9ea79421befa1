#include "daemon/instance_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <string>
#include <system_error>
#include <utility>

namespace zohosync::daemon {

namespace {

// The PID the file names, 0 when it names none.
pid_t read_pid(int fd) {
  char buffer[32] = {};
  const ssize_t n = ::pread(fd, buffer, sizeof buffer - 1, 0);
  if (n <= 0)
    return 0;
  pid_t pid = 0;
  std::from_chars(buffer, buffer + n, pid);
  return pid;
}

}  // namespace

std::variant<InstanceLock, pid_t> InstanceLock::acquire(const std::filesystem::path& state_dir) {
  const std::string path = (state_dir / "daemon.pid").string();
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    throw std::system_error(errno, std::generic_category(), "cannot open " + path);
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int error = errno;
    if (error == EWOULDBLOCK) {
      const pid_t holder = read_pid(fd);
      ::close(fd);
      return holder;
    }
    ::close(fd);
    throw std::system_error(error, std::generic_category(), "cannot lock " + path);
  }
  const std::string pid = std::to_string(::getpid()) + "\n";
  errno = 0;
  if (::ftruncate(fd, 0) != 0 ||
      ::pwrite(fd, pid.data(), pid.size(), 0) != static_cast<ssize_t>(pid.size())) {
    const int error = errno != 0 ? errno : EIO;  // a short write sets none
    ::close(fd);
    throw std::system_error(error, std::generic_category(), "cannot write " + path);
  }
  return InstanceLock(fd);
}

InstanceLock::InstanceLock(InstanceLock&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}

InstanceLock& InstanceLock::operator=(InstanceLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0)
      ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

InstanceLock::~InstanceLock() {
  if (fd_ >= 0)
    ::close(fd_);  // releases the flock; the file stays, naming a PID no longer running
}

}  // namespace zohosync::daemon
