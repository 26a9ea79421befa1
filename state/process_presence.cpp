#include "state/process_presence.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <random>

#include "state/errors.hpp"

namespace zohosync::state {

namespace {

std::filesystem::path presence_dir(const std::string& state_dir) {
  return std::filesystem::path(state_dir) / "processes";
}

std::string random_hex() {
  std::random_device device;
  const std::uint64_t value = (std::uint64_t{device()} << 32) ^ device();
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(value));
  return buf;
}

bool is_token(std::string_view token) {
  return !token.empty() && token.size() <= 64 &&
         std::all_of(token.begin(), token.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || c == '-';
         });
}

}  // namespace

ProcessPresence ProcessPresence::enter(const std::string& state_dir) {
  const std::filesystem::path dir = presence_dir(state_dir);
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
    throw error_from_code(errno, "create", dir.string());
  const std::string token = std::to_string(::getpid()) + "-" + random_hex();
  const std::string path = (dir / token).string();
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0)
    throw error_from_code(errno, "create", path);
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int error = errno;
    ::close(fd);
    ::unlink(path.c_str());
    throw error_from_code(error, "lock", path);
  }
  return ProcessPresence(fd, path, token);
}

ProcessPresence::ProcessPresence(ProcessPresence&& other) noexcept
    : fd_(other.fd_), path_(std::move(other.path_)), token_(std::move(other.token_)) {
  other.fd_ = -1;
}

ProcessPresence::~ProcessPresence() {
  if (fd_ < 0)
    return;
  ::unlink(path_.c_str());  // before the lock goes: nobody finds it unlocked
  ::close(fd_);
}

bool present(const std::string& state_dir, std::string_view token) {
  if (!is_token(token))
    return false;
  const std::string path = (presence_dir(state_dir) / std::string(token)).string();
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return false;
  // The holder keeps an exclusive lock: a shared one is refused while it lives.
  const bool held = ::flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
  if (!held)
    ::unlink(path.c_str());  // its process ended without removing it (a kill)
  ::close(fd);
  return held;
}

}  // namespace zohosync::state
