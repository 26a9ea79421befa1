#pragma once
// A one-line progress display on stderr for long one-shot runs. Only drawn
// when stderr is a terminal (never into pipes, files or the journal), and at
// most a few times a second so it costs nothing measurable.
//
// Log lines go to the same stderr. Written in the middle of the bar's line
// they would run into it ("0/52026-12-07T..."), so the log sink writes them
// through write_above_progress_bar(), which clears the bar's line first and
// draws the bar again under them.

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

namespace zohosync::daemon {

class ProgressBar {
 public:
  // enabled = false makes every call a no-op (use stderr_is_terminal()). An
  // enabled bar is the one write_above_progress_bar() keeps below the log
  // lines until it is destroyed (one at a time: the latest wins).
  explicit ProgressBar(bool enabled);
  ~ProgressBar();
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  // Enabled when stderr is a terminal and TERM is not "dumb".
  static bool stderr_is_terminal();
  bool enabled() const { return enabled_; }

  void update(std::string_view label, std::size_t done, std::size_t total);
  // Text shown after the count (e.g. a product waiting for its request
  // budget), until replaced; "" shows none. Redrawn at once when it changes.
  void set_note(std::string note);
  // Clears the line so what follows starts at column 0.
  void finish();

 private:
  friend void write_above_progress_bar(std::string_view lines);
  // Both expect the caller to hold the bar lock (progress_bar.cpp).
  void draw();
  void clear();

  bool enabled_;
  bool drawn_ = false;
  std::string label_;
  std::size_t done_ = 0;
  std::size_t total_ = 0;
  std::string note_;
  std::chrono::steady_clock::time_point last_draw_{};
};

// Writes `lines` (whole lines, each ending in '\n') to stderr. While a bar
// is drawn, its line is cleared first and the bar is drawn again after them,
// so the lines start at column 0 and the bar stays the last line. Safe from
// any thread (the log sink calls it under its own mutex; the bar never logs).
void write_above_progress_bar(std::string_view lines);

}  // namespace zohosync::daemon
