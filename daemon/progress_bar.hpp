#pragma once
// A one-line progress display on stderr for long one-shot runs. Only drawn
// when stderr is a terminal (never into pipes, files or the journal), and at
// most a few times a second so it costs nothing measurable.

#include <chrono>
#include <cstddef>
#include <string>

namespace zohosync::daemon {

class ProgressBar {
 public:
  // enabled = false makes every call a no-op (use for_terminal()).
  explicit ProgressBar(bool enabled) : enabled_(enabled) {}
  ~ProgressBar() { finish(); }
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
  void draw();

  bool enabled_;
  bool drawn_ = false;
  std::string label_;
  std::size_t done_ = 0;
  std::size_t total_ = 0;
  std::string note_;
  std::chrono::steady_clock::time_point last_draw_{};
};

}  // namespace zohosync::daemon
