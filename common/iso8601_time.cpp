// The ISO 8601 parser of wire_time.hpp: one walk over date, time, fraction
// and offset, steered by the rules of the site's reading (rules_of, one case
// per reading).

#include "common/wire_time.hpp"
#include "common/wire_time_fields.hpp"

namespace zohosync::common {
namespace {

using wire_time::Cursor;
using wire_time::take;

enum class Fields { fixed, scanf };
enum class Fraction { milliseconds, dropped, not_read };
enum class Zone { required, optional, not_read };

// What a reading accepts; unnamed rules are off.
struct Rules {
  Fields fields = Fields::fixed;
  bool space_for_t = false;                // ' ' may stand between date and time
  bool date_alone = false;                 // a date without a time is midnight UTC
  bool minutes_alone = false;              // a time without seconds is whole minutes
  bool rest_ignored = false;               // reading stops at the first field it cannot read
  bool ranges_checked = false;             // month, day, hour, minute, second in range
  Fraction fraction = Fraction::not_read;  // after the seconds
  Zone zone = Zone::not_read;              // after the fraction
  bool lowercase_z = false;                // 'z' names UTC too
  bool offset_checked = false;             // offset hours at most 23, minutes at most 59
  bool after_zone_ignored = false;         // text after the Z or offset is not read
};

constexpr Rules rules_of(IsoReading reading) {
  switch (reading) {
    case IsoReading::crm:  // strict fields, the offset required
      return {.space_for_t = true,
              .ranges_checked = true,
              .fraction = Fraction::milliseconds,
              .zone = Zone::required,
              .lowercase_z = true,
              .offset_checked = true};
    case IsoReading::inventory:  // a date alone, the fraction dropped, the offset optional
      return {.space_for_t = true,
              .date_alone = true,
              .ranges_checked = true,
              .fraction = Fraction::dropped,
              .zone = Zone::optional};
    case IsoReading::contracts:  // sscanf("%4d-%2d-%2dT%2d:%2d:%2d%n"), then fraction and zone
      return {.fields = Fields::scanf,
              .fraction = Fraction::milliseconds,
              .zone = Zone::optional,
              .after_zone_ignored = true};
    case IsoReading::journal_since:  // RFC 3339, seconds and zone optional, a date alone
      return {.space_for_t = true,
              .date_alone = true,
              .minutes_alone = true,
              .ranges_checked = true,
              .fraction = Fraction::milliseconds,
              .zone = Zone::optional,
              .lowercase_z = true,
              .offset_checked = true};
  }
  return {};
}

struct Parsed {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, ms = 0, offset_s = 0;
};

std::optional<int> field(Cursor& in, const Rules& rules, std::size_t width) {
  return rules.fields == Fields::fixed ? in.fixed(width) : in.scanf_int(width);
}

// After the sign: "hh:mm" or, failing that, "hhmm" (scanf read "%2d:%2d",
// then "%2d%2d"; a fixed field cannot start at the colon either).
std::optional<int> offset_seconds(Cursor& in, const Rules& rules) {
  const auto hours = field(in, rules, 2);
  if (!hours)
    return std::nullopt;
  Cursor with_colon = in;
  auto minutes = with_colon.literal(':') ? field(with_colon, rules, 2) : std::nullopt;
  if (minutes)
    in = with_colon;
  else
    minutes = field(in, rules, 2);
  if (!minutes || (rules.offset_checked && (*hours > 23 || *minutes > 59)))
    return std::nullopt;
  return *hours * 3600 + *minutes * 60;
}

// The time after the date, up to the seconds; false when the text is refused.
bool read_time(Cursor& in, const Rules& rules, Parsed& out) {
  const bool date_ends = in.at_end();
  const bool separator = in.literal('T') || (rules.space_for_t && in.literal(' '));
  if (!separator || !take(field(in, rules, 2), out.hour))
    return rules.date_alone && (rules.rest_ignored || date_ends);
  if (!in.literal(':') || !take(field(in, rules, 2), out.minute))
    return false;
  // A ':' with no seconds after it is refused, not read as whole minutes.
  Cursor seconds = in;
  if (!seconds.literal(':'))
    return rules.minutes_alone;
  if (!take(field(seconds, rules, 2), out.second))
    return false;
  in = seconds;
  return true;
}

// Fraction and zone after the seconds; false when the text is refused.
bool read_zone(Cursor& in, const Rules& rules, Parsed& out) {
  if (in.literal('.')) {
    const int ms = in.fraction_ms();
    out.ms = rules.fraction == Fraction::milliseconds ? ms : 0;
  }
  if (in.literal('Z') || (rules.lowercase_z && in.literal('z'))) {
    out.offset_s = 0;
  } else if (const bool minus = in.literal('-'); minus || in.literal('+')) {
    const auto seconds = offset_seconds(in, rules);
    if (!seconds)
      return false;
    out.offset_s = minus ? -*seconds : *seconds;
  } else {
    return rules.zone == Zone::optional && in.at_end();
  }
  return rules.after_zone_ignored || in.at_end();
}

}  // namespace

std::optional<std::int64_t> parse_iso8601_ms(std::string_view text, IsoReading reading) {
  const Rules rules = rules_of(reading);
  Cursor in(text);
  Parsed t;
  if (!take(field(in, rules, 4), t.year) || !in.literal('-') ||
      !take(field(in, rules, 2), t.month) || !in.literal('-') ||
      !take(field(in, rules, 2), t.day) || !read_time(in, rules, t))
    return std::nullopt;
  if (rules.ranges_checked && (t.month < 1 || t.month > 12 || t.day < 1 || t.day > 31 ||
                               t.hour > 23 || t.minute > 59 || t.second > 60))
    return std::nullopt;
  if (rules.zone != Zone::not_read && !read_zone(in, rules, t))
    return std::nullopt;
  return wire_time::civil_ms(t.year, t.month, t.day, t.hour, t.minute, t.second) + t.ms -
         std::int64_t{t.offset_s} * 1000;
}

}  // namespace zohosync::common
