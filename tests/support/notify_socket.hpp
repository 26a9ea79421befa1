#pragma once
// systemd's side of sd_notify(): a datagram socket a child's NOTIFY_SOCKET
// names, drained continuously by a thread as systemd would (a full socket
// would block the daemon's sd_notify() calls).

#include <atomic>
#include <chrono>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace zohosync::support {

class NotifySocket {
 public:
  explicit NotifySocket(const std::filesystem::path& path);
  ~NotifySocket();
  NotifySocket(const NotifySocket&) = delete;
  NotifySocket& operator=(const NotifySocket&) = delete;

  const std::string& path() const { return path_; }
  // Reads messages until one holds `assignment` (e.g. "READY=1") or `limit`
  // passes.
  bool wait_for(const std::string& assignment, std::chrono::milliseconds limit);

 private:
  void drain();
  int fd_ = -1;
  std::string path_;
  std::mutex mutex_;
  std::vector<std::string> lines_;
  std::atomic<bool> stop_{false};
  std::thread reader_;
};

}  // namespace zohosync::support
