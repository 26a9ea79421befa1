// `journal --since`: every form the man page names, read against one clock,
// and what is refused (the command exits 64 naming the forms).
#include <doctest/doctest.h>

#include <cstdint>
#include <optional>
#include <string_view>

#include "daemon/journal_since.hpp"

using zohosync::daemon::parse_journal_since;

namespace {

// 2026-12-07T01:50:30Z, a Monday.
constexpr std::int64_t kNow = 1'796'608'230'000;
constexpr std::int64_t kMidnight = 1'796'601'600'000;  // 2026-12-07T00:00:00Z
constexpr std::int64_t kMinute = 60'000;
constexpr std::int64_t kHour = 60 * kMinute;
constexpr std::int64_t kDay = 24 * kHour;

struct Case {
  std::string_view text;
  std::optional<std::int64_t> from_time_ms;  // nullopt: refused
};

}  // namespace

TEST_CASE("journal --since: a sequence number starts after that entry") {
  const auto since = parse_journal_since("42", kNow);
  REQUIRE(since);
  CHECK(since->after_seq == 42);
  CHECK(since->from_time_ms == 0);
}

TEST_CASE("journal --since: times, dates, relative times and named days") {
  const Case cases[] = {
      // A date and time: UTC unless it names a zone; the time is never dropped.
      {"2026-12-07 01:50", kMidnight + 110 * kMinute},
      {"2026-12-07T01:50:00Z", kMidnight + 110 * kMinute},
      {"2026-12-07T01:50+05:00", kMidnight + 110 * kMinute - 5 * kHour},
      {"2026-12-07 06:50:00+05:00", kMidnight + 110 * kMinute},
      {"2026-12-07", kMidnight},
      // Back from now.
      {"-30m", kNow - 30 * kMinute},
      {"-1h", kNow - kHour},
      {"-2d", kNow - 2 * kDay},
      {"-1w", kNow - 7 * kDay},
      {"1h ago", kNow - kHour},
      {"90m ago", kNow - 90 * kMinute},
      // Named days begin at midnight UTC.
      {"today", kMidnight},
      {"yesterday", kMidnight - kDay},
      // Anything else is refused.
      {"", std::nullopt},
      {"1h", std::nullopt},
      {"-1", std::nullopt},
      {"-h", std::nullopt},
      {"-1y", std::nullopt},
      {"-1.5h", std::nullopt},
      {"- 1h", std::nullopt},
      {"ago", std::nullopt},
      {"1 h ago", std::nullopt},
      {"Yesterday", std::nullopt},
      {"tomorrow", std::nullopt},
      {"-99999999999999999w", std::nullopt},
      {"2026-12-07 1:50", std::nullopt},
      {"2026-12-07T01:50 tomorrow", std::nullopt},
  };
  for (const auto& c : cases) {
    CAPTURE(c.text);
    const auto since = parse_journal_since(c.text, kNow);
    REQUIRE(since.has_value() == c.from_time_ms.has_value());
    if (since) {
      CHECK(since->after_seq == 0);
      CHECK(since->from_time_ms == *c.from_time_ms);
    }
  }
}
