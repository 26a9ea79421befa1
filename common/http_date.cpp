// The HTTP-date parser of wire_time.hpp: a walk over the IMF-fixdate fields
// per reading (the exact layout, or strptime's), sharing the name tables and
// the calendar arithmetic.
#include <array>
#include <cstddef>

#include "common/wire_time.hpp"
#include "common/wire_time_fields.hpp"

namespace zohosync::common {
namespace {

using wire_time::Cursor;
using wire_time::take;

constexpr std::array<std::string_view, 7> kDays = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                                   "Thursday", "Friday", "Saturday"};
constexpr std::array<std::string_view, 12> kMonths = {
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December"};

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size())
    return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
    if (lower(text[i]) != lower(prefix[i]))
      return false;
  }
  return true;
}

// The length of the longest name, full or its three-letter abbreviation, the
// text starts with (any case); 0 for none.
std::size_t name_length(std::string_view text, std::string_view name) {
  if (starts_with_ignoring_case(text, name))
    return name.size();
  return starts_with_ignoring_case(text, name.substr(0, 3)) ? 3 : 0;
}

// strptime's %a. glibc advances its read position past every abbreviation it
// matches on the way from Sunday to Saturday and keeps the longest match, so a
// run of abbreviations in week order ("SunMon") is read as one name.
bool lenient_day_name(Cursor& in) {
  std::size_t at = 0, longest = 0;
  for (const auto day : kDays) {
    const std::size_t length = name_length(in.rest().substr(at), day);
    if (length > 0 && at + length > longest)
      longest = at + length;
    if (length > 0)
      at += 3;
  }
  in.skip(longest);
  return longest > 0;
}

// strptime's %b: the longest month name, full or abbreviated, in any case.
std::optional<int> lenient_month(Cursor& in) {
  std::size_t longest = 0;
  int month = 0;
  for (std::size_t i = 0; i < kMonths.size(); ++i) {
    const std::size_t length = name_length(in.rest(), kMonths[i]);
    if (length > longest) {
      longest = length;
      month = static_cast<int>(i) + 1;
    }
  }
  if (longest == 0)
    return std::nullopt;
  in.skip(longest);
  return month;
}

// The abbreviation exactly, in its case.
std::optional<int> exact_month(Cursor& in) {
  for (std::size_t i = 0; i < kMonths.size(); ++i)
    if (in.literal(kMonths[i].substr(0, 3)))
      return static_cast<int>(i) + 1;
  return std::nullopt;
}

std::optional<std::int64_t> imf_fixdate(std::string_view text) {
  if (text.size() != 29)
    return std::nullopt;
  Cursor in(text);
  in.skip(3);  // the day name
  int day = 0, month = 0, year = 0, hour = 0, minute = 0, second = 0;
  const bool read = in.literal(", ") && take(in.fixed(2), day) && in.literal(' ') &&
                    take(exact_month(in), month) && in.literal(' ') && take(in.fixed(4), year) &&
                    in.literal(' ') && take(in.fixed(2), hour) && in.literal(':') &&
                    take(in.fixed(2), minute) && in.literal(':') && take(in.fixed(2), second) &&
                    in.literal(" GMT");
  if (!read || day < 1 || day > 31 || year < 1970 || hour > 23 || minute > 59 || second > 60)
    return std::nullopt;
  return wire_time::civil_ms(year, month, day, hour, minute, second);
}

std::optional<std::int64_t> lenient(std::string_view text) {
  // strptime read a C string: a NUL ended it.
  Cursor in(text.substr(0, text.find('\0')));
  // Each space of the format skips white space; so does each number.
  auto space = [&in] {
    in.skip_space();
    return true;
  };
  int day = 0, month = 0, year = 0, hour = 0, minute = 0, second = 0;
  const bool read =
      lenient_day_name(in) && in.literal(',') && space() &&
      take(in.strptime_number(1, 31, 2), day) && space() && take(lenient_month(in), month) &&
      space() && take(in.strptime_number(0, 9999, 4), year) && space() &&
      take(in.strptime_number(0, 23, 2), hour) && in.literal(':') &&
      take(in.strptime_number(0, 59, 2), minute) && in.literal(':') &&
      take(in.strptime_number(0, 61, 2), second) && space() && in.literal("GMT") && in.at_end();
  if (!read)
    return std::nullopt;
  return wire_time::civil_ms(year, month, day, hour, minute, second);
}

}  // namespace

std::optional<std::int64_t> parse_http_date_ms(std::string_view text, HttpDateReading reading) {
  return reading == HttpDateReading::imf_fixdate ? imf_fixdate(text) : lenient(text);
}

}  // namespace zohosync::common
