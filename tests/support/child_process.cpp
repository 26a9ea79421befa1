#include "tests/support/child_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace zohosync::support {

namespace {

using Clock = std::chrono::steady_clock;

// Everything execve() needs, built before fork(): between fork() and exec()
// a child of a threaded parent may only make async-signal-safe calls, so it
// must not allocate (setenv would).
struct ExecImage {
  std::vector<std::string> argv_store;
  std::vector<std::string> env_store;
  std::vector<char*> argv;
  std::vector<char*> envp;

  ExecImage(const std::string& exe, const std::vector<std::string>& args, const Env& env) {
    argv_store.push_back(resolve(exe));
    argv_store.insert(argv_store.end(), args.begin(), args.end());
    for (char** e = environ; *e != nullptr; ++e) {
      const std::string entry = *e;
      if (env.count(entry.substr(0, entry.find('='))) == 0)
        env_store.push_back(entry);
    }
    for (const auto& [name, value] : env)
      env_store.push_back(name + "=" + value);
    for (auto& a : argv_store)
      argv.push_back(a.data());
    argv.push_back(nullptr);
    for (auto& e : env_store)
      envp.push_back(e.data());
    envp.push_back(nullptr);
  }

  // A bare name ("openssl") is looked up in PATH here, as a shell would,
  // rather than by execvp() in the child, which may allocate.
  static std::string resolve(const std::string& exe) {
    const char* path = std::getenv("PATH");
    if (exe.find('/') != std::string::npos || path == nullptr)
      return exe;
    std::string dirs = path;
    for (std::size_t at = 0; at <= dirs.size();) {
      const std::size_t end = std::min(dirs.find(':', at), dirs.size());
      const std::string candidate = (end > at ? dirs.substr(at, end - at) : ".") + "/" + exe;
      if (::access(candidate.c_str(), X_OK) == 0)
        return candidate;
      at = end + 1;
    }
    return exe;  // execve fails: exit 127, as a shell reports a missing command
  }
};

int exit_status(int status) {
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace

ChildProcess::ChildProcess(const std::string& exe, const std::vector<std::string>& args,
                           const Env& env) {
  int out[2];
  int err[2];
  if (::pipe2(out, O_CLOEXEC) != 0)
    throw std::runtime_error("pipe failed");
  if (::pipe2(err, O_CLOEXEC) != 0) {
    ::close(out[0]);
    ::close(out[1]);
    throw std::runtime_error("pipe failed");
  }
  out_pipe_ = out[0];
  err_pipe_ = err[0];
  try {
    start(exe, args, env, out[1], err[1]);
  } catch (...) {
    close_pipes();
    ::close(out[1]);
    ::close(err[1]);
    throw;
  }
  ::close(out[1]);
  ::close(err[1]);
}

ChildProcess::ChildProcess(const std::string& exe, const std::vector<std::string>& args,
                           const Env& env, const std::filesystem::path& log) {
  const int log_fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (log_fd < 0)
    throw std::runtime_error("cannot open " + log.string());
  try {
    start(exe, args, env, log_fd, log_fd);
  } catch (...) {
    ::close(log_fd);
    throw;
  }
  ::close(log_fd);
}

void ChildProcess::start(const std::string& exe, const std::vector<std::string>& args,
                         const Env& env, int out_fd, int err_fd) {
  ExecImage image(exe, args, env);
  // Signals stay blocked from fork() until the child has reset its handlers:
  // one sent early (a test's SIGTERM) must reach the program, not a copy of
  // the test runner's crash handler.
  sigset_t all;
  sigset_t previous;
  ::sigfillset(&all);
  ::pthread_sigmask(SIG_SETMASK, &all, &previous);
  pid_ = ::fork();
  if (pid_ == 0) {
    struct sigaction default_action {};
    default_action.sa_handler = SIG_DFL;
    for (int number = 1; number < NSIG; ++number)
      ::sigaction(number, &default_action, nullptr);
    ::sigprocmask(SIG_SETMASK, &previous, nullptr);
    // dup2 clears close-on-exec on the copies: only 0, 1 and 2 reach the program.
    if (::dup2(out_fd, 1) < 0 || ::dup2(err_fd, 2) < 0)
      ::_exit(127);
    ::execve(image.argv[0], image.argv.data(), image.envp.data());
    ::_exit(127);
  }
  const int fork_error = errno;
  ::pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  if (pid_ < 0)
    throw std::runtime_error("fork failed: " + std::string(std::strerror(fork_error)));
}

ChildProcess::~ChildProcess() {
  if (pid_ > 0 && !status_) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
  close_pipes();
}

void ChildProcess::signal(int number) const {
  if (pid_ > 0 && !status_)
    ::kill(pid_, number);
}

bool ChildProcess::running() {
  if (status_)
    return false;
  pump(Millis(0));
  int status = 0;
  if (::waitpid(pid_, &status, WNOHANG) == pid_) {
    status_ = exit_status(status);
    return false;
  }
  return true;
}

std::optional<int> ChildProcess::wait(Millis limit) {
  const auto end = Clock::now() + limit;
  while (running()) {
    if (Clock::now() >= end)
      return std::nullopt;
    // Polling a child's exit, not a race fix: with output captured the
    // wait for its next bytes is the pause.
    pump(Millis(20));
  }
  finish_output();
  return status_;
}

void ChildProcess::pump(Millis limit) {
  pollfd fds[2];
  nfds_t n = 0;
  for (int fd : {out_pipe_, err_pipe_}) {
    if (fd >= 0)
      fds[n++] = pollfd{fd, POLLIN, 0};
  }
  if (n == 0) {
    if (limit.count() > 0)
      std::this_thread::sleep_for(limit);
    return;
  }
  if (::poll(fds, n, static_cast<int>(limit.count())) <= 0)
    return;
  for (nfds_t i = 0; i < n; ++i) {
    if (fds[i].revents == 0)
      continue;
    const bool is_out = fds[i].fd == out_pipe_;
    char buffer[65536];
    const ssize_t got = ::read(fds[i].fd, buffer, sizeof buffer);
    if (got > 0) {
      (is_out ? out_ : err_).append(buffer, static_cast<std::size_t>(got));
    } else if (got == 0 || errno != EINTR) {
      ::close(fds[i].fd);  // the end of that stream
      (is_out ? out_pipe_ : err_pipe_) = -1;
    }
  }
}

void ChildProcess::finish_output() {
  // The program has ended, so its ends of the pipes are closed unless
  // something it started still holds them: give that a bound.
  const auto end = Clock::now() + Millis(5000);
  while ((out_pipe_ >= 0 || err_pipe_ >= 0) && Clock::now() < end)
    pump(Millis(50));
  close_pipes();
}

void ChildProcess::close_pipes() {
  for (int* fd : {&out_pipe_, &err_pipe_}) {
    if (*fd >= 0)
      ::close(*fd);
    *fd = -1;
  }
}

}  // namespace zohosync::support
