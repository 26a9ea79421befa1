// A zohosync process's presence on a state dir, so that another process on
// the same dir can tell whether it still runs: the file
// STATE_DIR/processes/TOKEN, held under an exclusive flock(2) while the
// process has the store open read-write. The kernel drops the lock when the
// process ends, however it ends, and a later look removes the file.
//
// Not /proc: the service runs with ProtectProc=invisible and marks itself
// non-dumpable, which hides each zohosync from the other's /proc; a PID is
// also reused, and a boot starts process start times over.
#pragma once

#include <string>
#include <string_view>

namespace zohosync::state {

class ProcessPresence {
 public:
  // Creates STATE_DIR/processes (0700) and this process's file (0600), and
  // locks it. Throws Error on I/O errors.
  static ProcessPresence enter(const std::string& state_dir);
  ProcessPresence(ProcessPresence&& other) noexcept;
  ProcessPresence& operator=(ProcessPresence&&) = delete;
  ProcessPresence(const ProcessPresence&) = delete;
  ~ProcessPresence();  // unlocks and removes the file

  // "PID-RANDOM": unique on the dir, also across reboots.
  const std::string& token() const { return token_; }

 private:
  ProcessPresence(int fd, std::string path, std::string token)
      : fd_(fd), path_(std::move(path)), token_(std::move(token)) {}
  int fd_ = -1;
  std::string path_;
  std::string token_;
};

// Whether the process that entered `state_dir` as `token` is still there.
// A token that names no file, or an unlocked one (its process ended; the
// file is removed), is not; nor is one with characters a token never has.
bool present(const std::string& state_dir, std::string_view token);

}  // namespace zohosync::state
