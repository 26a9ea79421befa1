#include "daemon/progress_bar.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace zohosync::daemon {

bool ProgressBar::stderr_is_terminal() {
  const char* term = std::getenv("TERM");
  return ::isatty(STDERR_FILENO) == 1 && (term == nullptr || std::strcmp(term, "dumb") != 0);
}

void ProgressBar::update(std::string_view label, std::size_t done, std::size_t total) {
  if (!enabled_)
    return;
  const auto now = std::chrono::steady_clock::now();
  const bool last = done >= total;
  if (!last && drawn_ && now - last_draw_ < std::chrono::milliseconds(100))
    return;
  last_draw_ = now;
  constexpr std::size_t kWidth = 30;
  const std::size_t filled = total == 0 ? kWidth : kWidth * std::min(done, total) / total;
  std::string bar(filled, '#');
  bar.append(kWidth - filled, '-');
  std::fprintf(stderr, "\r\033[K%.*s [%s] %zu/%zu", static_cast<int>(label.size()), label.data(),
               bar.c_str(), done, total);
  std::fflush(stderr);
  drawn_ = true;
}

void ProgressBar::finish() {
  if (!enabled_ || !drawn_)
    return;
  std::fputs("\r\033[K", stderr);
  std::fflush(stderr);
  drawn_ = false;
}

}  // namespace zohosync::daemon
