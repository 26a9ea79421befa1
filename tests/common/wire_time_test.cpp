// common/wire_time.hpp: each reading as a table of {text, milliseconds or
// refused}. The rows hold what the products' readers accepted and refused
// before they shared these parsers (timegm, strptime and sscanf), odd rules
// included, so that no answer reads as another instant.
#include <doctest/doctest.h>

#include <cstdint>
#include <optional>
#include <string_view>

#include "common/wire_time.hpp"

using namespace std::string_view_literals;
using zohosync::common::HttpDateReading;
using zohosync::common::IsoReading;
using zohosync::common::parse_http_date_ms;
using zohosync::common::parse_iso8601_ms;

namespace {

struct Case {
  std::string_view text;
  std::optional<std::int64_t> ms;
};

constexpr std::optional<std::int64_t> kRefused;

}  // namespace

TEST_CASE("parse_http_date_ms imf_fixdate: the Date header, exactly 29 bytes") {
  const Case cases[] = {
      {"Wed, 21 Oct 2015 07:28:00 GMT"sv, 1445412480000},
      {"Thu, 01 Jan 1970 00:00:01 GMT"sv, 1000},
      {"Tue, 24 Nov 2026 18:07:46 GMT"sv, 1795543666000},
      // The day name is not read.
      {"Xyz, 21 Oct 2015 07:28:00 GMT"sv, 1445412480000},
      // Day 31 of February rolls into March; second 60 into the next minute.
      {"Sat, 31 Feb 2026 00:00:00 GMT"sv, 1772496000000},
      {"Wed, 21 Oct 2015 23:59:60 GMT"sv, 1445472000000},
      // Another zone, month, or format.
      {"Tue, 24 Nov 2026 18:07:46 UTC"sv, kRefused},
      {"Tue, 24 Xyz 2026 18:07:46 GMT"sv, kRefused},
      {"2026-11-24T18:07:46Z"sv, kRefused},
      {"Wed, 21 oct 2015 07:28:00 GMT"sv, kRefused},
      // Out of range: before 1970, day 00 or 32, hour 24, minute 60, second 61.
      {"Wed, 21 Oct 1969 07:28:00 GMT"sv, kRefused},
      {"Wed, 00 Oct 2015 07:28:00 GMT"sv, kRefused},
      {"Wed, 32 Oct 2015 07:28:00 GMT"sv, kRefused},
      {"Wed, 21 Oct 2015 24:00:00 GMT"sv, kRefused},
      {"Wed, 21 Oct 2015 07:60:00 GMT"sv, kRefused},
      {"Wed, 21 Oct 2015 07:28:61 GMT"sv, kRefused},
      // Anything but the fixed layout.
      {"Wed, 1 Oct 2015 07:28:00 GMT"sv, kRefused},
      {"Wed, 21 Oct 2015 07:28:00 GMT "sv, kRefused},
      {"Wednesday, 21 Oct 2015 07:28:00 GMT"sv, kRefused},
      {"Wed,21 Oct 2015 07:28:00 GMT "sv, kRefused},
      {"Wed, 21 Oct 2015 7:28:00  GMT"sv, kRefused},
      {""sv, kRefused},
  };
  for (const auto& c : cases) {
    CAPTURE(c.text);
    CHECK(parse_http_date_ms(c.text) == c.ms);
    CHECK(parse_http_date_ms(c.text, HttpDateReading::imf_fixdate) == c.ms);
  }
}

TEST_CASE("parse_http_date_ms lenient: Retry-After as strptime read it") {
  const Case cases[] = {
      {"Wed, 21 Oct 2015 07:28:00 GMT"sv, 1445412480000},
      // Full names in any case, one-digit fields, white space or none.
      {"wednesday,21 october 2015 7:8:0 GMT"sv, 1445411280000},
      {"Wed,  1 Oct 2015  07: 28: 61   GMT"sv, 1443684541000},
      {"Wed, 21 Oct 2015 07:28:00GMT"sv, 1445412480000},
      // The year as written: 15 is the year 15.
      {"Wed, 21 Oct 15 07:28:00 GMT"sv, -61668491520000},
      // glibc's walk over the day names reads a run of them in week order.
      {"SunMon, 21 Oct 2015 07:28:00 GMT"sv, 1445412480000},
      // A NUL ends the text.
      {"Wed, 21 Oct 2015 07:28:00 GMT\0x"sv, 1445412480000},
      {"Wed, 30 Feb 2015 07:28:00 GMT"sv, 1425281280000},
      // No such name, white space before a name or the comma, a name run
      // out of month order, a signed or five-digit year.
      {"Xyz, 21 Oct 2015 07:28:00 GMT"sv, kRefused},
      {" Wed, 21 Oct 2015 07:28:00 GMT"sv, kRefused},
      {"Wed , 21 Oct 2015 07:28:00 GMT"sv, kRefused},
      {"Wed, 21 JanFeb 2015 07:28:00 GMT"sv, kRefused},
      {"Wed, 21 Oct +2015 07:28:00 GMT"sv, kRefused},
      {"Wed, 21 Oct 12345 07:28:00 GMT"sv, kRefused},
      // "GMT" in its case and last; day 0; second 62; a space before ':'.
      {"Wed, 21 Oct 2015 07:28:00 gmt"sv, kRefused},
      {"Wed, 21 Oct 2015 07:28:00 GMT x"sv, kRefused},
      {"Wed, 0 Oct 2015 07:28:00 GMT"sv, kRefused},
      {"Wed, 21 Oct 2015 07:28:62 GMT"sv, kRefused},
      {"Wed, 21 Oct 2015 07 :28:00 GMT"sv, kRefused},
      {"soon"sv, kRefused},
      {""sv, kRefused},
  };
  for (const auto& c : cases) {
    CAPTURE(c.text);
    CHECK(parse_http_date_ms(c.text, HttpDateReading::lenient) == c.ms);
  }
}

TEST_CASE("parse_iso8601_ms crm: fixed fields, the offset required") {
  const Case cases[] = {
      {"2019-07-25T15:26:49+05:30"sv, 1564048609000},
      {"2019-07-25T09:56:49Z"sv, 1564048609000},
      {"2019-07-25T09:56:49+00:00"sv, 1564048609000},
      // A space for T, a lower-case z, an offset without its colon.
      {"2019-07-25 09:56:49z"sv, 1564048609000},
      {"2019-07-25T09:56:49.5-0130"sv, 1564054009500},
      // Milliseconds from the fraction's first three digits; none is 0.
      {"2019-07-25T09:56:49.123456Z"sv, 1564048609123},
      {"2019-07-25T09:56:49.Z"sv, 1564048609000},
      // Feb 30 and second 60 roll over.
      {"2019-02-30T09:56:60Z"sv, 1551520620000},
      // No offset, or one out of range, cut short, or followed by text.
      {"2019-07-25T09:56:49"sv, kRefused},
      {"2019-07-25T09:56:49+24:00"sv, kRefused},
      {"2019-07-25T09:56:49+05:60"sv, kRefused},
      {"2019-07-25T09:56:49+05"sv, kRefused},
      {"2019-07-25T09:56:49Zx"sv, kRefused},
      // Month 13, hour 24, a one-digit month, a date alone.
      {"2019-13-25T09:56:49Z"sv, kRefused},
      {"2019-07-25T24:56:49Z"sv, kRefused},
      {"2019-7-25T09:56:49Z"sv, kRefused},
      {"2019-07-25"sv, kRefused},
  };
  for (const auto& c : cases) {
    CAPTURE(c.text);
    CHECK(parse_iso8601_ms(c.text, IsoReading::crm) == c.ms);
  }
}

TEST_CASE("parse_iso8601_ms inventory: a date alone, the offset optional") {
  const Case cases[] = {
      {"1970-01-01T00:00:01+0000"sv, 1000},
      {"2026-11-24T18:07:46+0000"sv, 1795543666000},
      {"2026-11-24T23:37:46+05:30"sv, 1795543666000},
      // A date alone is midnight UTC; Feb 31 rolls over.
      {"2016-06-05"sv, 1465084800000},
      {"2026-02-31"sv, 1772496000000},
      // No offset is UTC; the fraction is dropped; any two-digit offset.
      {"2026-11-24 18:07:46"sv, 1795543666000},
      {"2026-11-24T18:07:46.999Z"sv, 1795543666000},
      {"2026-11-24T18:07:46.999"sv, 1795543666000},
      {"2026-11-24T18:07:46+99:99"sv, 1795181326000},
      // A lower-case z, a cut time or offset, text after, month 00.
      {"yesterday"sv, kRefused},
      {"2026-11-24T18:07:46z"sv, kRefused},
      {"2016-06-05T"sv, kRefused},
      {"2016-06-05T18:07"sv, kRefused},
      {"2026-11-24T18:07:46+05"sv, kRefused},
      {"2026-11-24T18:07:46+0000x"sv, kRefused},
      {"2026-00-24"sv, kRefused},
  };
  for (const auto& c : cases) {
    CAPTURE(c.text);
    CHECK(parse_iso8601_ms(c.text, IsoReading::inventory) == c.ms);
  }
}

TEST_CASE("parse_iso8601_ms contracts: scanf fields, text after the zone ignored") {
  const Case cases[] = {
      {"2024-01-02T03:04:05.250Z"sv, 1704164645250},
      {"2024-01-02T03:04:05-0100"sv, 1704168245000},
      {"2024-01-02T03:04:05+05:30"sv, 1704144845000},
      // No zone is UTC.
      {"2024-01-02T03:04:05"sv, 1704164645000},
      // scanf's fields: short, white space before, signed, unchecked.
      {"2024-1-2T3:4:5Z"sv, 1704164645000},
      {" 2024- 01-+2T-3: 4:05"sv, 1704143045000},
      {"2024-13-32T25:61:61Z"sv, 1738461721000},
      {"+999-00-00T00:00:00"sv, -30644524800000},
      {"2024-01-02T03:04:05+5:-3"sv, 1704146825000},
      // Text after a Z or an offset is not read.
      {"2024-01-02T03:04:05Zanything"sv, 1704164645000},
      {"2024-01-02T03:04:05+0530 and more"sv, 1704144845000},
      // Text where the zone would be, a lower-case z, a space for T, no
      // seconds, a sign without an offset.
      {"yesterday"sv, kRefused},
      {"2024-01-02T03:04:05x"sv, kRefused},
      {"2024-01-02T03:04:05z"sv, kRefused},
      {"2024-01-02 03:04:05Z"sv, kRefused},
      {"2024-01-02T03:04"sv, kRefused},
      {"2024-01-02T03:04:05+"sv, kRefused},
  };
  for (const auto& c : cases) {
    CAPTURE(c.text);
    CHECK(parse_iso8601_ms(c.text, IsoReading::contracts) == c.ms);
  }
}

TEST_CASE("parse_iso8601_ms journal_since: RFC 3339, seconds and zone optional, else UTC") {
  const Case cases[] = {
      {"2026-09-23T12:00:00Z"sv, 1790164800000},
      {"2026-09-23"sv, 1790121600000},  // a date alone: midnight UTC
      {"2026-09-23T12:30"sv, 1790166600000},
      // A space for the T, with or without seconds (the time is not dropped).
      {"2026-09-23 12:30"sv, 1790166600000},
      {"2026-09-23 12:30:15"sv, 1790166615000},
      // An offset moves the instant; Z or z is UTC; no zone is UTC.
      {"2026-09-23T12:30:15.5+05:00"sv, 1790148615500},
      {"2026-09-23 12:30+05:00"sv, 1790148600000},
      {"2026-09-23T12:30:00-0130"sv, 1790172000000},
      {"2026-09-23T12:30z"sv, 1790166600000},
      // Past the month's end rolls over, as everywhere (wire_time.hpp).
      {"2026-02-30T23:59:60"sv, 1772496000000},
      // Anything after the last field, short or signed fields, white space.
      {"2026-09-23 and more"sv, kRefused},
      {"2026-09-23T"sv, kRefused},
      {"2026-09-23T12:30:"sv, kRefused},
      {"2026-09-23T12:30:00Z later"sv, kRefused},
      {"2026-09-23Z"sv, kRefused},
      {"2026-9-3T1:2:3"sv, kRefused},
      {" 2026-09-23"sv, kRefused},
      {"2026-09-23T-1:-5:-9"sv, kRefused},
      // An hour alone; month, day, hour, minute, second or offset too large.
      {"2026-09-23T12"sv, kRefused},
      {"2026-13-01"sv, kRefused},
      {"2026-09-32"sv, kRefused},
      {"2026-09-23T24:00"sv, kRefused},
      {"2026-09-23T23:60"sv, kRefused},
      {"2026-09-23T23:59:61"sv, kRefused},
      {"2026-09-23T12:30+24:00"sv, kRefused},
      // Relative times are the journal command's to read.
      {"yesterday"sv, kRefused},
      {"-1h"sv, kRefused},
      {""sv, kRefused},
  };
  for (const auto& c : cases) {
    CAPTURE(c.text);
    CHECK(parse_iso8601_ms(c.text, IsoReading::journal_since) == c.ms);
  }
}
