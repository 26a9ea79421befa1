#include "tests/sandbox/util.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <ctime>

namespace zohosync::sandbox {

std::string to_lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string trim(std::string_view s) {
  auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos)
    return {};
  auto e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string url_decode(std::string_view s, bool plus_is_space) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

std::vector<std::string> split(std::string_view s, char sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= s.size()) {
    auto pos = s.find(sep, start);
    if (pos == std::string_view::npos)
      pos = s.size();
    out.emplace_back(s.substr(start, pos - start));
    start = pos + 1;
  }
  return out;
}

std::map<std::string, std::string> parse_query(std::string_view q) {
  std::map<std::string, std::string> out;
  if (q.empty())
    return out;
  for (const auto& part : split(q, '&')) {
    if (part.empty())
      continue;
    auto eq = part.find('=');
    if (eq == std::string::npos) {
      out[url_decode(part, true)] = "";
    } else {
      out[url_decode(part.substr(0, eq), true)] = url_decode(part.substr(eq + 1), true);
    }
  }
  return out;
}

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> out;
  for (const auto& seg : split(path, '/')) {
    if (!seg.empty())
      out.push_back(url_decode(seg, false));
  }
  return out;
}

std::string http_date(std::int64_t secs) {
  std::time_t t = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  static const char* const kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char* const kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char buf[40];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d GMT", kDays[tm.tm_wday],
                tm.tm_mday, kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                tm.tm_sec);
  return buf;
}

std::string format_time(std::int64_t secs, time_style style) {
  std::time_t t = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  switch (style) {
    case time_style::crm:
      std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S+00:00", &tm);
      break;
    case time_style::books:
      std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S+0000", &tm);
      break;
    case time_style::date:
      std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
      break;
  }
  return buf;
}

std::optional<std::int64_t> parse_time(std::string_view s) {
  std::string str = trim(s);
  std::tm tm{};
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, se = 0;
  int consumed = 0;
  if (std::sscanf(str.c_str(), "%4d-%2d-%2d%n", &y, &mo, &d, &consumed) == 3) {
    std::size_t pos = static_cast<std::size_t>(consumed);
    long offset = 0;
    if (pos < str.size() && (str[pos] == 'T' || str[pos] == ' ')) {
      int c2 = 0;
      if (std::sscanf(str.c_str() + pos + 1, "%2d:%2d:%2d%n", &h, &mi, &se, &c2) != 3) {
        return std::nullopt;
      }
      pos += 1 + static_cast<std::size_t>(c2);
      if (pos < str.size() && str[pos] == '.') {  // fractional seconds are ignored
        ++pos;
        while (pos < str.size() && std::isdigit(static_cast<unsigned char>(str[pos])))
          ++pos;
      }
      if (pos < str.size()) {
        char sign = str[pos];
        if (sign == 'Z' || sign == 'z') {
          ++pos;
        } else if (sign == '+' || sign == '-') {
          int oh = 0, om = 0;
          std::string rest = str.substr(pos + 1);
          rest.erase(std::remove(rest.begin(), rest.end(), ':'), rest.end());
          if (rest.size() != 4 || std::sscanf(rest.c_str(), "%2d%2d", &oh, &om) != 2) {
            return std::nullopt;
          }
          offset = (oh * 3600L + om * 60L) * (sign == '+' ? 1 : -1);
          pos = str.size();
        } else {
          return std::nullopt;
        }
      }
    }
    if (pos != str.size())
      return std::nullopt;
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = se;
    return static_cast<std::int64_t>(timegm(&tm)) - offset;
  }
  // RFC 1123: "Sun, 06 Nov 1994 08:49:37 GMT"
  const char* end = strptime(str.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (end != nullptr && *end == '\0')
    return static_cast<std::int64_t>(timegm(&tm));
  return std::nullopt;
}

std::optional<std::string> get_string(const boost::json::object& o, std::string_view key) {
  auto it = o.find(key);
  if (it == o.end() || !it->value().is_string())
    return std::nullopt;
  return std::string(it->value().as_string());
}

std::string string_or(const boost::json::object& o, std::string_view key, std::string fallback) {
  auto v = get_string(o, key);
  return v ? *v : std::move(fallback);
}

std::optional<boost::json::object> parse_object(const std::string& body) {
  boost::system::error_code ec;
  auto v = boost::json::parse(body, ec);
  if (ec || !v.is_object())
    return std::nullopt;
  return std::move(v.as_object());
}

std::string to_json(const boost::json::value& v) {
  return boost::json::serialize(v);
}

}  // namespace zohosync::sandbox
