#pragma once
// What `zohosync journal --since` accepts, read in one place so that the
// command, its --help, its man page and its error message name the same forms:
//   - a journal sequence number, "42": the entries after it;
//   - a time, RFC 3339 with the seconds and the zone optional and a space
//     allowed for the T ("2026-12-07 01:50", "2026-12-07T01:50:00+05:00"),
//     taken as UTC unless it names a zone; a date alone is its midnight UTC;
//   - a time back from now: "-30m", "-1h", "-2d", "-1w" or "30m ago";
//   - "today" or "yesterday": that day's midnight UTC (UTC, like the times
//     the journal prints, so a day means the same on every machine).
// Every form but the sequence number shows the entries at or after the time.

#include <cstdint>
#include <optional>
#include <string_view>

namespace zohosync::daemon {

struct JournalSince {
  std::uint64_t after_seq = 0;    // entries with a greater sequence number
  std::int64_t from_time_ms = 0;  // entries written at or after this (unix ms)
};

// nullopt for anything else. `now_ms` is the clock relative forms count from.
std::optional<JournalSince> parse_journal_since(std::string_view text, std::int64_t now_ms);

// The accepted forms, for the error message.
inline constexpr const char* kJournalSinceForms =
    "a sequence number (42), a time (2026-11-24T09:30:00Z, 2026-11-24 09:30, "
    "2026-11-24T09:30+05:00; UTC unless it names a zone), a date (2026-11-24, midnight UTC), "
    "a time back from now (-30m, -1h, -2d, -1w, 1h ago) or today / yesterday (midnight UTC)";

}  // namespace zohosync::daemon
