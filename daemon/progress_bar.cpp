#include "daemon/progress_bar.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <utility>

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
  label_ = label;
  done_ = done;
  total_ = total;
  draw();
}

void ProgressBar::set_note(std::string note) {
  if (!enabled_ || note == note_)
    return;
  note_ = std::move(note);
  if (drawn_)
    draw();
}

void ProgressBar::draw() {
  constexpr std::size_t kWidth = 30;
  const std::size_t filled = total_ == 0 ? kWidth : kWidth * std::min(done_, total_) / total_;
  std::string bar(filled, '#');
  bar.append(kWidth - filled, '-');
  std::fprintf(stderr, "\r\033[K%s [%s] %zu/%zu%s%s", label_.c_str(), bar.c_str(), done_, total_,
               note_.empty() ? "" : "  ", note_.c_str());
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
