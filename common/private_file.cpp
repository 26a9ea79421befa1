#include "common/private_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>
#include <system_error>

namespace zohosync {
namespace {

[[noreturn]] void fail(std::string_view what, const std::filesystem::path& file, const char* step,
                       int error) {
  throw std::runtime_error("cannot write " + std::string(what) + " " + file.string() + ": " + step +
                           ": " + std::strerror(error));
}

}  // namespace

void write_private_file(const std::filesystem::path& file, std::string_view contents,
                        std::string_view what, bool create_parents) {
  if (create_parents && file.has_parent_path()) {
    std::error_code ec;
    std::filesystem::create_directories(file.parent_path(), ec);
  }
  std::string temporary = file.string() + ".XXXXXX";
  // mkstemp creates the file 0600 whatever the umask.
  const int fd = ::mkstemp(temporary.data());
  if (fd < 0)
    fail(what, file, "create", errno);
  bool ok = ::fchmod(fd, 0600) == 0;
  std::size_t written = 0;
  while (ok && written < contents.size()) {
    const auto n = ::write(fd, contents.data() + written, contents.size() - written);
    if (n < 0 && errno == EINTR)
      continue;
    ok = n > 0;
    if (ok)
      written += static_cast<std::size_t>(n);
  }
  ok = ok && ::fsync(fd) == 0;
  const int saved_errno = errno;
  ::close(fd);
  if (!ok || ::rename(temporary.c_str(), file.c_str()) != 0) {
    const int error = ok ? errno : saved_errno;
    ::unlink(temporary.c_str());
    fail(what, file, "write", error);
  }
  // The rename itself must survive a crash: sync the directory entry too.
  const auto directory = file.has_parent_path() ? file.parent_path() : std::filesystem::path(".");
  const int dir_fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0) {
    ::fsync(dir_fd);
    ::close(dir_fd);
  }
}

}  // namespace zohosync
