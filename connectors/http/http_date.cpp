#include "connectors/http/http_date.hpp"

#include "connectors/http/civil_date.hpp"

namespace zohosync::connectors::http {

std::optional<std::int64_t> parse_http_date_ms(std::string_view text) {
  static constexpr std::string_view kMonths = "JanFebMarAprMayJunJulAugSepOctNovDec";
  if (text.size() != 29 || text.substr(3, 2) != ", " || text.substr(25) != " GMT")
    return std::nullopt;
  const int day = fixed_digits(text, 5, 2), year = fixed_digits(text, 12, 4);
  const int hour = fixed_digits(text, 17, 2), minute = fixed_digits(text, 20, 2),
            second = fixed_digits(text, 23, 2);
  const auto month_at = kMonths.find(text.substr(8, 3));
  if (day < 1 || day > 31 || year < 1970 || hour < 0 || hour > 23 || minute < 0 || minute > 59 ||
      second < 0 || second > 60 || month_at == std::string_view::npos || month_at % 3 != 0 ||
      text[7] != ' ' || text[11] != ' ' || text[16] != ' ' || text[19] != ':' || text[22] != ':')
    return std::nullopt;
  const int month = static_cast<int>(month_at / 3) + 1;
  const std::int64_t seconds =
      days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second;
  return seconds * 1000;
}

}  // namespace zohosync::connectors::http
