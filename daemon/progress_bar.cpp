#include "daemon/progress_bar.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <utility>

namespace zohosync::daemon {
namespace {

// The bar log lines are written above, and the lock that keeps a log line
// from another thread out of the middle of a redraw. Taken by the bar's
// calls and by write_above_progress_bar(), never while logging.
std::mutex& bar_mutex() {
  static std::mutex mutex;
  return mutex;
}
ProgressBar* active_bar = nullptr;

}  // namespace

ProgressBar::ProgressBar(bool enabled) : enabled_(enabled) {
  if (!enabled_)
    return;
  std::lock_guard lock(bar_mutex());
  active_bar = this;
}

ProgressBar::~ProgressBar() {
  if (!enabled_)
    return;
  std::lock_guard lock(bar_mutex());
  clear();
  if (active_bar == this)
    active_bar = nullptr;
}

bool ProgressBar::stderr_is_terminal() {
  const char* term = std::getenv("TERM");
  return ::isatty(STDERR_FILENO) == 1 && (term == nullptr || std::strcmp(term, "dumb") != 0);
}

void ProgressBar::update(std::string_view label, std::size_t done, std::size_t total) {
  if (!enabled_)
    return;
  const auto now = std::chrono::steady_clock::now();
  const bool last = done >= total;
  std::lock_guard lock(bar_mutex());
  if (!last && drawn_ && now - last_draw_ < std::chrono::milliseconds(100))
    return;
  last_draw_ = now;
  label_ = label;
  done_ = done;
  total_ = total;
  draw();
}

void ProgressBar::set_note(std::string note) {
  if (!enabled_)
    return;
  std::lock_guard lock(bar_mutex());
  if (note == note_)
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

void ProgressBar::clear() {
  if (!drawn_)
    return;
  std::fputs("\r\033[K", stderr);
  std::fflush(stderr);
  drawn_ = false;
}

void ProgressBar::finish() {
  if (!enabled_)
    return;
  std::lock_guard lock(bar_mutex());
  clear();
}

void write_above_progress_bar(std::string_view lines) {
  std::lock_guard lock(bar_mutex());
  ProgressBar* bar = active_bar != nullptr && active_bar->drawn_ ? active_bar : nullptr;
  if (bar != nullptr)
    bar->clear();
  std::fwrite(lines.data(), 1, lines.size(), stderr);
  if (bar != nullptr)
    bar->draw();
}

}  // namespace zohosync::daemon
