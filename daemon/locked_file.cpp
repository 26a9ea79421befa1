#include "daemon/locked_file.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>
#include <utility>

namespace zohosync::daemon {

std::optional<LockedFile> LockedFile::lock(const std::filesystem::path& path, bool wait) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    throw std::system_error(errno, std::generic_category(), "cannot open " + path.string());
  while (::flock(fd, LOCK_EX | (wait ? 0 : LOCK_NB)) != 0) {
    const int error = errno;
    if (error == EINTR)
      continue;
    ::close(fd);
    if (error == EWOULDBLOCK)
      return std::nullopt;
    throw std::system_error(error, std::generic_category(), "cannot lock " + path.string());
  }
  return LockedFile(fd);
}

LockedFile::LockedFile(LockedFile&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}

LockedFile& LockedFile::operator=(LockedFile&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0)
      ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

LockedFile::~LockedFile() {
  if (fd_ >= 0)
    ::close(fd_);
}

}  // namespace zohosync::daemon
