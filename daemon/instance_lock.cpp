#include "daemon/instance_lock.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <fstream>
#include <string>
#include <system_error>

namespace zohosync::daemon {

namespace {

// The PID `path` names, 0 when it names none (or cannot be read).
pid_t read_pid(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return 0;
  char buffer[32] = {};
  const ssize_t n = ::pread(fd, buffer, sizeof buffer - 1, 0);
  ::close(fd);
  pid_t pid = 0;
  if (n > 0)
    std::from_chars(buffer, buffer + n, pid);
  return pid;
}

}  // namespace

bool InstanceLock::daemon_running(const std::filesystem::path& state_dir) {
  // Not by trying the lock: a daemon starting at that instant would find it
  // held and refuse. The PID the file names, alive and a zohosync, is one.
  const pid_t pid = read_pid(state_dir / "daemon.pid");
  if (pid <= 0)
    return false;
  std::ifstream comm("/proc/" + std::to_string(pid) + "/comm");
  std::string name;
  return std::getline(comm, name) && name.rfind("zohosync", 0) == 0;
}

std::variant<InstanceLock, pid_t> InstanceLock::acquire(const std::filesystem::path& state_dir) {
  const std::filesystem::path path = state_dir / "daemon.pid";
  std::optional<LockedFile> file = LockedFile::lock(path, /*wait=*/false);
  if (!file)
    return read_pid(path);
  const std::string pid = std::to_string(::getpid()) + "\n";
  errno = 0;
  if (::ftruncate(file->fd(), 0) != 0 ||
      ::pwrite(file->fd(), pid.data(), pid.size(), 0) != static_cast<ssize_t>(pid.size())) {
    const int error = errno != 0 ? errno : EIO;  // a short write sets none
    throw std::system_error(error, std::generic_category(), "cannot write " + path.string());
  }
  return InstanceLock(std::move(*file));
}

}  // namespace zohosync::daemon
