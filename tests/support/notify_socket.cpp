#include "tests/support/notify_socket.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <sstream>
#include <stdexcept>

namespace zohosync::support {

NotifySocket::NotifySocket(const std::filesystem::path& path) : path_(path.string()) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path_.size() >= sizeof addr.sun_path)
    throw std::runtime_error("notify socket path too long");
  std::strcpy(addr.sun_path, path_.c_str());
  fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    if (fd_ >= 0)
      ::close(fd_);
    throw std::runtime_error("cannot bind the notify socket");
  }
  reader_ = std::thread([this] { drain(); });
}

NotifySocket::~NotifySocket() {
  stop_ = true;
  if (reader_.joinable())
    reader_.join();
  ::close(fd_);
  ::unlink(path_.c_str());
}

void NotifySocket::drain() {
  while (!stop_) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0)
      continue;
    char buffer[4096];
    const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
    if (n <= 0)
      continue;
    std::istringstream message(std::string(buffer, static_cast<std::size_t>(n)));
    std::lock_guard lock(mutex_);
    for (std::string line; std::getline(message, line);)
      lines_.push_back(line);
  }
}

bool NotifySocket::wait_for(const std::string& assignment, std::chrono::milliseconds limit) {
  const auto end = std::chrono::steady_clock::now() + limit;
  for (;;) {
    {
      std::lock_guard lock(mutex_);
      if (std::find(lines_.begin(), lines_.end(), assignment) != lines_.end())
        return true;
    }
    if (std::chrono::steady_clock::now() >= end)
      return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // polling what drain() read
  }
}

}  // namespace zohosync::support
