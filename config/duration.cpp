#include "config/duration.hpp"

#include <cctype>
#include <cstdint>
#include <limits>

namespace zohosync::config::detail {
namespace {

struct Unit {
  std::string_view name;
  std::int64_t ms;
};
// Longest names first so "ms" is not read as "m" followed by garbage.
constexpr Unit kUnits[] = {{"ms", 1}, {"d", 86400000}, {"h", 3600000}, {"m", 60000}, {"s", 1000}};

}  // namespace

std::optional<Duration> parse_duration(std::string_view text) {
  if (text.empty())
    return std::nullopt;
  std::int64_t total = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    std::int64_t number = 0;
    std::size_t digits = 0;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
      if (number > std::numeric_limits<std::int64_t>::max() / 10 / 86400000)
        return std::nullopt;
      number = number * 10 + (text[i] - '0');
      ++i;
      ++digits;
    }
    if (digits == 0)
      return std::nullopt;
    const Unit* unit = nullptr;
    for (const auto& candidate : kUnits) {
      if (text.substr(i, candidate.name.size()) == candidate.name) {
        unit = &candidate;
        break;
      }
    }
    if (unit == nullptr)
      return std::nullopt;
    i += unit->name.size();
    if (number * unit->ms > std::numeric_limits<std::int64_t>::max() - total)
      return std::nullopt;
    total += number * unit->ms;
  }
  return Duration(total);
}

std::string format_duration(Duration duration) {
  std::int64_t ms = duration.count();
  if (ms == 0)
    return "0s";
  std::string out;
  for (const auto& unit : {kUnits[1], kUnits[2], kUnits[3], kUnits[4], kUnits[0]}) {
    if (ms >= unit.ms) {
      out += std::to_string(ms / unit.ms);
      out += unit.name;
      ms %= unit.ms;
    }
  }
  return out;
}

}  // namespace zohosync::config::detail
