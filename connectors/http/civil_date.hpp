#pragma once
// Pieces shared by the parsers of the products' date-times (the HTTP Date
// header, Inventory's last_modified_time): fixed-width decimal fields and
// the day count of a civil date, without the C library's time zone state.

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace zohosync::connectors::http {

// The decimal number in text[at, at + count), or -1.
inline int fixed_digits(std::string_view text, std::size_t at, std::size_t count) {
  if (at > text.size() || count > text.size() - at)
    return -1;
  int value = 0;
  for (std::size_t i = at; i < at + count; ++i) {
    if (text[i] < '0' || text[i] > '9')
      return -1;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
inline std::int64_t days_from_civil(int y, int m, int d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = static_cast<unsigned>((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1);
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

}  // namespace zohosync::connectors::http
