#include "tests/daemon/process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace zohosync::daemon::test {

ChildProcess::ChildProcess(const std::string& exe, const std::vector<std::string>& args,
                           const std::map<std::string, std::string>& env,
                           const std::filesystem::path& log) {
  std::vector<std::string> argv_store{exe};
  argv_store.insert(argv_store.end(), args.begin(), args.end());
  const int log_fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (log_fd < 0)
    throw std::runtime_error("cannot open " + log.string());
  pid_ = ::fork();
  if (pid_ < 0)
    throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    ::dup2(log_fd, 1);
    ::dup2(log_fd, 2);
    for (const auto& [k, v] : env)
      ::setenv(k.c_str(), v.c_str(), 1);
    std::vector<char*> argv;
    for (auto& a : argv_store)
      argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(exe.c_str(), argv.data());
    ::_exit(127);
  }
  ::close(log_fd);
}

ChildProcess::~ChildProcess() {
  if (pid_ > 0 && !status_) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
}

void ChildProcess::signal(int number) const {
  if (pid_ > 0)
    ::kill(pid_, number);
}

bool ChildProcess::running() {
  if (status_)
    return false;
  int status = 0;
  pid_t r = ::waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return false;
  }
  return true;
}

std::optional<int> ChildProcess::wait(Millis limit) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (running()) {
    if (std::chrono::steady_clock::now() >= end)
      return std::nullopt;
    std::this_thread::sleep_for(Millis(20));  // polling a child's exit, not a race fix
  }
  return status_;
}

NotifySocket::NotifySocket(const std::filesystem::path& path) : path_(path.string()) {
  fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path_.size() >= sizeof addr.sun_path)
    throw std::runtime_error("notify socket path too long");
  std::strcpy(addr.sun_path, path_.c_str());
  if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
    throw std::runtime_error("cannot bind the notify socket");
  reader_ = std::thread([this] { drain(); });
}

NotifySocket::~NotifySocket() {
  stop_ = true;
  if (reader_.joinable())
    reader_.join();
  if (fd_ >= 0)
    ::close(fd_);
  ::unlink(path_.c_str());
}

void NotifySocket::drain() {
  while (!stop_) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0)
      continue;
    char buffer[4096];
    ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
    if (n <= 0)
      continue;
    std::istringstream message(std::string(buffer, static_cast<std::size_t>(n)));
    std::lock_guard lock(mutex_);
    for (std::string line; std::getline(message, line);)
      lines_.push_back(line);
  }
}

bool NotifySocket::wait_for(const std::string& assignment, Millis limit) {
  const auto end = std::chrono::steady_clock::now() + limit;
  for (;;) {
    {
      std::lock_guard lock(mutex_);
      if (std::find(lines_.begin(), lines_.end(), assignment) != lines_.end())
        return true;
    }
    if (std::chrono::steady_clock::now() >= end)
      return false;
    std::this_thread::sleep_for(Millis(20));
  }
}

std::string read_file(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::optional<std::string> wait_for_line(const std::filesystem::path& file,
                                         const std::string& needle, Millis limit) {
  const auto end = std::chrono::steady_clock::now() + limit;
  for (;;) {
    const std::string text = read_file(file);
    auto at = text.find(needle);
    if (at != std::string::npos) {
      auto eol = text.find('\n', at);
      if (eol != std::string::npos)
        return text.substr(at + needle.size(), eol - at - needle.size());
    }
    if (std::chrono::steady_clock::now() >= end)
      return std::nullopt;
    std::this_thread::sleep_for(Millis(20));
  }
}

}  // namespace zohosync::daemon::test
