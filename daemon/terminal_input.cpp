#include "daemon/terminal_input.hpp"

#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>

namespace zohosync::daemon {
namespace {

std::string trimmed(const std::string& line) {
  const auto first = line.find_first_not_of(" \t\r");
  if (first == std::string::npos)
    return {};
  const auto last = line.find_last_not_of(" \t\r");
  return line.substr(first, last - first + 1);
}

}  // namespace

std::optional<std::string> read_secret_line(const char* prompt) {
  std::string line;
  if (::isatty(STDIN_FILENO) == 0) {
    if (!std::getline(std::cin, line))
      return std::nullopt;
    return trimmed(line);
  }
  std::fprintf(stderr, "%s", prompt);
  std::fflush(stderr);
  termios saved{};
  const bool can_hide = ::tcgetattr(STDIN_FILENO, &saved) == 0;
  if (can_hide) {
    termios hidden = saved;
    hidden.c_lflag &= static_cast<tcflag_t>(~ECHO);
    hidden.c_lflag |= ECHONL;  // the newline still shows, so the next output starts a line
    ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &hidden);
  }
  const bool got = static_cast<bool>(std::getline(std::cin, line));
  if (can_hide)
    ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
  if (!got)
    return std::nullopt;
  return trimmed(line);
}

}  // namespace zohosync::daemon
