// Small string, query and time helpers shared by the handlers.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace zohosync::sandbox {

std::string to_lower(std::string_view s);
std::string trim(std::string_view s);
bool iequals(std::string_view a, std::string_view b);
std::string url_decode(std::string_view s, bool plus_is_space);
std::map<std::string, std::string> parse_query(std::string_view q);
// Non-empty, percent-decoded path segments.
std::vector<std::string> split_path(std::string_view path);
std::vector<std::string> split(std::string_view s, char sep);

// Times are whole seconds since the epoch, UTC (Zoho's own resolution).
enum class time_style {
  crm,    // 2024-01-02T03:04:05+00:00 (ISO 8601 with a colon offset)
  books,  // 2024-01-02T03:04:05+0000 (Zoho finance family)
  date,   // 2024-01-02
};
std::string format_time(std::int64_t secs, time_style style);
// IMF-fixdate for HTTP Date headers: "Wed, 21 Oct 2015 07:28:00 GMT".
std::string http_date(std::int64_t secs);
// Accepts ISO 8601 with Z / +hh:mm / +hhmm offsets, a bare date, or an RFC 1123
// HTTP date.
std::optional<std::int64_t> parse_time(std::string_view s);

// Reads a string member; nullopt when absent, null or not a string.
std::optional<std::string> get_string(const boost::json::object& o, std::string_view key);
std::string string_or(const boost::json::object& o, std::string_view key,
                      std::string fallback = {});
// Parses a request body as a JSON object; nullopt on anything else.
std::optional<boost::json::object> parse_object(const std::string& body);
std::string to_json(const boost::json::value& v);

}  // namespace zohosync::sandbox
