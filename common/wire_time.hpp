#pragma once
// The date-times zohosync reads, one parser per wire format: the HTTP-date of
// the Date and Retry-After headers, and the ISO 8601 date-time of the
// products' JSON and of `journal --since`. The sites reading one format did
// not all read it alike, and a product's answer must keep reading as the same
// instant, so each site names its reading; a reading changes only together
// with the tests of its site (tests/common/wire_time_test.cpp).
//
// Digits are read by hand (GCC 12's <chrono> has no std::chrono::parse) and
// the <chrono> calendar types do the arithmetic. No reading checks a day
// against its month: a day past the month's end rolls into the next month
// (Feb 30 is Mar 2) and second 60 into the next minute, as the C library's
// timegm the products' readers used did.
//
// Every parser answers milliseconds since the epoch (UTC), or nullopt.

#include <cstdint>
#include <optional>
#include <string_view>

namespace zohosync::common {

// RFC 9110 HTTP-date in its IMF-fixdate form, "Wed, 21 Oct 2015 07:28:00 GMT".
enum class HttpDateReading {
  // The Date header (the products' clock): exactly the 29 bytes of an
  // IMF-fixdate, the month abbreviation in its case, day 01-31, year 1970 or
  // later, second 00-60. The day name is not read: the date says it all.
  imf_fixdate,
  // Retry-After, read as glibc's strptime read "%a, %d %b %Y %H:%M:%S GMT":
  // day and month names full or abbreviated in any case, a run of white space
  // (or none) where the format has a space and before each number, one or two
  // digits (one to four for the year, 0-9999), second 00-61, nothing after
  // "GMT" (a NUL ends the text). glibc moved past every day abbreviation it
  // matched while trying Sunday to Saturday, so "SunMon, ..." reads too.
  lenient,
};

std::optional<std::int64_t> parse_http_date_ms(
    std::string_view text, HttpDateReading reading = HttpDateReading::imf_fixdate);

// ISO 8601 date-times. "Fixed" fields are exactly their width in digits;
// "scanf" fields are read as C's scanf "%4d"/"%2d" read them: white space
// before, a sign, fewer digits, and no range check (out-of-range values roll
// over as in timegm). A fraction's first three digits are its milliseconds.
enum class IsoReading {
  // CRM: "YYYY-MM-DD(T| )hh:mm:ss[.fraction](Z|z|±hh[:]mm)", fixed fields,
  // month 01-12, day 01-31, hour 00-23, minute 00-59, second 00-60, offset
  // at most 23:59 and required (CRM always names it; a bare time is ambiguous).
  crm,
  // Inventory: "YYYY-MM-DD" alone (midnight UTC), or
  // "YYYY-MM-DD(T| )hh:mm:ss[.fraction][Z|±hh[:]mm]" with the ranges of crm,
  // the fraction dropped, no offset meaning UTC and any two-digit offset.
  inventory,
  // Contracts: "YYYY-MM-DDThh:mm:ss[.fraction][Z|±hh:mm|±hhmm]" with scanf
  // fields (the offset's too); no offset means UTC, and whatever follows a Z
  // or an offset is ignored.
  contracts,
  // `journal --since`: RFC 3339 with the seconds and the zone optional,
  // "YYYY-MM-DD[(T| )hh:mm[:ss[.fraction]]][Z|z|±hh[:]mm]", or a date
  // alone (midnight UTC); no zone means UTC. Fixed fields with the ranges
  // and offsets of crm; nothing may follow. (Relative times like "-1h" are
  // read by the journal command itself.)
  journal_since,
};

std::optional<std::int64_t> parse_iso8601_ms(std::string_view text, IsoReading reading);

}  // namespace zohosync::common
