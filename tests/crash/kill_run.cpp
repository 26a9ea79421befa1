#include "tests/crash/kill_run.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <map>
#include <stdexcept>
#include <thread>

#include "tests/support/child_process.hpp"

namespace zohosync::crash_test {

namespace {

using Clock = std::chrono::steady_clock;

constexpr std::string_view kMarker = "cycle phase=";

// "... cycle phase=send: writes 1..64 of 300" -> "send"; "" for other lines.
std::string phase_of(std::string_view line) {
  auto at = line.find(kMarker);
  if (at == std::string_view::npos)
    return {};
  line.remove_prefix(at + kMarker.size());
  return std::string(line.substr(0, line.find(':')));
}

class FifoReader {
 public:
  explicit FifoReader(const std::filesystem::path& fifo) {
    if (!std::filesystem::exists(fifo) && ::mkfifo(fifo.c_str(), 0600) != 0)
      throw std::runtime_error("cannot create " + fifo.string());
    // Non-blocking, so that opening needs no writer yet and reads never hang.
    fd_ = ::open(fifo.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd_ < 0)
      throw std::runtime_error("cannot open " + fifo.string());
  }
  ~FifoReader() { ::close(fd_); }
  FifoReader(const FifoReader&) = delete;
  FifoReader& operator=(const FifoReader&) = delete;

  // Appends what is there (waiting at most `wait`) to `text`; false at the
  // end of the stream (the child and everything it started closed it).
  bool read_some(std::string& text, std::chrono::milliseconds wait) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(wait.count())) <= 0)
      return true;
    char buffer[65536];
    const ssize_t n = ::read(fd_, buffer, sizeof buffer);
    if (n == 0)
      return false;
    if (n > 0)
      text.append(buffer, static_cast<std::size_t>(n));
    return true;
  }

 private:
  int fd_ = -1;
};

}  // namespace

KillOutcome run_and_kill(const std::string& exe, const std::vector<std::string>& args,
                         const std::filesystem::path& fifo, const KillTarget& target,
                         std::chrono::milliseconds limit) {
  FifoReader reader(fifo);
  const auto start = Clock::now();
  support::ChildProcess child(exe, args, {}, fifo);
  KillOutcome out;
  std::string last_phase = "start";
  int seen = 0;
  std::size_t scanned = 0;  // output before this offset has been looked at
  bool open = true;
  auto kill_now = [&] {
    child.signal(SIGKILL);
    out.killed = true;
  };
  while (open) {
    const auto now = Clock::now();
    if (!out.killed && now - start >= limit)
      kill_now();  // the target never came: this is a kill at a random time too
    if (!out.killed && target.phase == "time" && now - start >= target.delay)
      kill_now();
    if (out.killed && now - start >= limit + std::chrono::seconds(10))
      break;  // output held open by nothing we know of: stop reading
    open = reader.read_some(out.output, std::chrono::milliseconds(5));
    for (auto eol = out.output.find('\n', scanned); eol != std::string::npos;
         eol = out.output.find('\n', scanned)) {
      const std::string phase =
          phase_of(std::string_view(out.output).substr(scanned, eol - scanned));
      scanned = eol + 1;
      if (phase.empty())
        continue;
      last_phase = phase;
      if (!out.killed && phase == target.phase && ++seen == target.nth) {
        // The random part of the kill moment (not a wait for anything).
        if (target.delay.count() > 0)
          std::this_thread::sleep_for(target.delay);
        kill_now();
      }
    }
  }
  const auto status = child.wait(std::chrono::seconds(10));
  // A child that ended on its own just before the signal was not killed.
  out.killed = status == 128 + SIGKILL;
  if (!out.killed)
    out.exit_code = status.value_or(-1);
  out.landed = last_phase;
  return out;
}

}  // namespace zohosync::crash_test
