#include "daemon/state_lock.hpp"

namespace zohosync::daemon {

namespace {

std::filesystem::path lock_path(const std::filesystem::path& state_dir) {
  return state_dir / "cycle.lock";
}

}  // namespace

StateLock StateLock::acquire(const std::filesystem::path& state_dir) {
  return StateLock(std::move(*LockedFile::lock(lock_path(state_dir), /*wait=*/true)));
}

std::optional<StateLock> StateLock::try_acquire(const std::filesystem::path& state_dir) {
  std::optional<LockedFile> file = LockedFile::lock(lock_path(state_dir), /*wait=*/false);
  if (!file)
    return std::nullopt;
  return StateLock(std::move(*file));
}

}  // namespace zohosync::daemon
