#pragma once
// What the date-time parsers of wire_time.hpp share: a read position over the
// text with the field readers the old readers' syntaxes need (fixed digits,
// C's scanf "%Nd", glibc strptime's numbers) and the calendar arithmetic.
// Internal to common/.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace zohosync::common::wire_time {

// C's isspace in the "C" locale, which scanf and strptime skip.
inline bool is_c_space(char c) {
  return c == ' ' || (c >= '\t' && c <= '\r');
}

inline bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// Stores a field that was read, so that a walk reads as one chain of `&&`.
inline bool take(std::optional<int> value, int& out) {
  if (value)
    out = *value;
  return value.has_value();
}

// A position in the text; a reader that fails leaves it where it was.
class Cursor {
 public:
  explicit Cursor(std::string_view text) : text_(text) {}

  bool at_end() const { return at_ == text_.size(); }
  std::string_view rest() const { return text_.substr(at_); }
  void skip(std::size_t count) { at_ += count; }

  // Consumes `c` when it comes next.
  bool literal(char c) {
    if (at_end() || text_[at_] != c)
      return false;
    ++at_;
    return true;
  }

  bool literal(std::string_view s) {
    if (rest().substr(0, s.size()) != s)
      return false;
    at_ += s.size();
    return true;
  }

  void skip_space() {
    while (!at_end() && is_c_space(text_[at_]))
      ++at_;
  }

  // Exactly `width` decimal digits.
  std::optional<int> fixed(std::size_t width) {
    if (rest().size() < width)
      return std::nullopt;
    int value = 0;
    for (std::size_t i = at_; i < at_ + width; ++i) {
      if (!is_digit(text_[i]))
        return std::nullopt;
      value = value * 10 + (text_[i] - '0');
    }
    at_ += width;
    return value;
  }

  // As C's scanf "%<width>d": white space skipped (not counted), then a sign
  // and at least one digit, `width` characters at most together.
  std::optional<int> scanf_int(std::size_t width) {
    std::size_t at = at_;
    while (at < text_.size() && is_c_space(text_[at]))
      ++at;
    int sign = 1;
    if (at < text_.size() && (text_[at] == '+' || text_[at] == '-')) {
      sign = text_[at] == '-' ? -1 : 1;
      ++at;
      --width;
    }
    const std::size_t first = at;
    int value = 0;
    for (; width > 0 && at < text_.size() && is_digit(text_[at]); --width, ++at)
      value = value * 10 + (text_[at] - '0');
    if (at == first)
      return std::nullopt;
    at_ = at;
    return sign * value;
  }

  // As glibc strptime's numbers: white space skipped, then one digit and more
  // while fewer than `digits` are read and another could stay within `max`;
  // the value must lie in [min, max].
  std::optional<int> strptime_number(int min, int max, int digits) {
    std::size_t at = at_;
    while (at < text_.size() && is_c_space(text_[at]))
      ++at;
    if (at == text_.size() || !is_digit(text_[at]))
      return std::nullopt;
    int value = 0;
    do {
      value = value * 10 + (text_[at++] - '0');
    } while (--digits > 0 && value * 10 <= max && at < text_.size() && is_digit(text_[at]));
    if (value < min || value > max)
      return std::nullopt;
    at_ = at;
    return value;
  }

  // The milliseconds of a fraction's digits (after the '.'): the first three
  // count, the rest are read and dropped.
  int fraction_ms() {
    int ms = 0, scale = 100;
    for (; !at_end() && is_digit(text_[at_]); ++at_, scale /= 10)
      ms += (text_[at_] - '0') * scale;
    return ms;
  }

 private:
  std::string_view text_;
  std::size_t at_ = 0;
};

// Milliseconds since the epoch of a UTC civil date-time. Fields past their
// range roll over as timegm rolled them (month 13 is January of the next
// year, day 0 the last of the month before, second 60 the next minute).
inline std::int64_t civil_ms(int year, int month, int day, int hour, int minute, int second) {
  using namespace std::chrono;
  const year_month first_month = std::chrono::year{year} / January + months{month - 1};
  const sys_days date = sys_days{first_month / 1} + days{day - 1};
  const sys_seconds time = date + hours{hour} + minutes{minute} + seconds{second};
  return duration_cast<milliseconds>(time.time_since_epoch()).count();
}

}  // namespace zohosync::common::wire_time
