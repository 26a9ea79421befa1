#include "daemon/state_errors.hpp"

#include <cstdio>

#include "daemon/exit_codes.hpp"

namespace zohosync::daemon {

int report_state_error(const std::string& state_dir, const state::Error& error) {
  const std::string message = error.what();
  if (message.starts_with("state dir " + state_dir))
    std::fprintf(stderr, "zohosync: %s\n", message.c_str());  // it names the dir already
  else
    std::fprintf(stderr, "zohosync: state dir %s: %s\n", state_dir.c_str(), message.c_str());
  switch (error.kind()) {
    case state::ErrorKind::map_full:
    case state::ErrorKind::disk_full:
    case state::ErrorKind::read_only:
    case state::ErrorKind::io:
      return exit_code::kIoError;
    case state::ErrorKind::permission_denied:
      return exit_code::kNoPermission;
    case state::ErrorKind::busy:
      return exit_code::kTempFail;
    case state::ErrorKind::schema_too_new:
    case state::ErrorKind::version_mismatch:
      return exit_code::kConfig;
    case state::ErrorKind::corrupted:
      return exit_code::kDataError;
    case state::ErrorKind::not_found_dir:
    case state::ErrorKind::state_missing:
      return exit_code::kNoInput;
    case state::ErrorKind::other:
      break;
  }
  return exit_code::kSoftware;
}

}  // namespace zohosync::daemon
