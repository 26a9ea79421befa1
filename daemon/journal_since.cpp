#include "daemon/journal_since.hpp"

#include <charconv>
#include <limits>

#include "common/wire_time.hpp"

namespace zohosync::daemon {
namespace {

constexpr std::int64_t kMinuteMs = 60'000;
constexpr std::int64_t kDayMs = 24 * 60 * kMinuteMs;

// "30m", "1h", "2d", "1w": a count of minutes, hours, days or weeks.
std::optional<std::int64_t> duration_ms(std::string_view text) {
  if (text.size() < 2)
    return std::nullopt;
  std::int64_t unit_ms = 0;
  switch (text.back()) {
    case 'm':
      unit_ms = kMinuteMs;
      break;
    case 'h':
      unit_ms = 60 * kMinuteMs;
      break;
    case 'd':
      unit_ms = kDayMs;
      break;
    case 'w':
      unit_ms = 7 * kDayMs;
      break;
    default:
      return std::nullopt;
  }
  const std::string_view digits = text.substr(0, text.size() - 1);
  std::int64_t count = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), count);
  if (ec != std::errc() || end != digits.data() + digits.size() || count < 0 ||
      count > std::numeric_limits<std::int64_t>::max() / unit_ms)
    return std::nullopt;
  return count * unit_ms;
}

std::int64_t midnight_utc(std::int64_t time_ms) {
  const std::int64_t into_day = time_ms % kDayMs;
  return time_ms - (into_day < 0 ? into_day + kDayMs : into_day);
}

}  // namespace

std::optional<JournalSince> parse_journal_since(std::string_view text, std::int64_t now_ms) {
  JournalSince since;
  std::uint64_t seq = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seq);
  if (!text.empty() && ec == std::errc() && end == text.data() + text.size()) {
    since.after_seq = seq;
    return since;
  }
  std::optional<std::int64_t> back;
  constexpr std::string_view kAgo = " ago";
  if (text.starts_with('-'))
    back = duration_ms(text.substr(1));
  else if (text.ends_with(kAgo))
    back = duration_ms(text.substr(0, text.size() - kAgo.size()));
  if (back) {
    since.from_time_ms = now_ms - *back;
    return since;
  }
  if (text == "today" || text == "yesterday") {
    since.from_time_ms = midnight_utc(now_ms) - (text == "yesterday" ? kDayMs : 0);
    return since;
  }
  const auto time_ms = common::parse_iso8601_ms(text, common::IsoReading::journal_since);
  if (!time_ms)
    return std::nullopt;
  since.from_time_ms = *time_ms;
  return since;
}

}  // namespace zohosync::daemon
