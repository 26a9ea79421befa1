#include "common/process_identity.hpp"

#include <unistd.h>

#include <charconv>
#include <fstream>
#include <sstream>
#include <string>

namespace zohosync {

namespace {

// Field 22 (starttime) of /proc/PID/stat, "" when the process does not exist.
// The second field (comm) is in parentheses and may hold spaces, so fields
// are counted from the last ')'.
std::string start_time_of(long pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat;
  if (!std::getline(in, stat))
    return {};
  const std::size_t close = stat.rfind(')');
  if (close == std::string::npos)
    return {};
  std::istringstream fields(stat.substr(close + 1));
  std::string field;
  // After ')': field 3 (state) ... field 22 (starttime) is the 20th.
  for (int i = 0; i < 20; ++i) {
    if (!(fields >> field))
      return {};
  }
  return field;
}

}  // namespace

const std::string& this_process_token() {
  static const std::string token = [] {
    const long pid = static_cast<long>(::getpid());
    return std::to_string(pid) + ":" + start_time_of(pid);
  }();
  return token;
}

bool process_alive(std::string_view token) {
  const std::size_t colon = token.find(':');
  if (colon == std::string_view::npos || colon == 0)
    return false;
  long pid = 0;
  const auto [end, ec] = std::from_chars(token.data(), token.data() + colon, pid);
  if (ec != std::errc() || end != token.data() + colon || pid <= 0)
    return false;
  const std::string start = start_time_of(pid);
  return !start.empty() && start == token.substr(colon + 1);
}

}  // namespace zohosync
