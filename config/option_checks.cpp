// Single-value checks used by the option table.
#include <set>

#include "common/include_rule.hpp"
#include "config/duration.hpp"
#include "config/option_builders.hpp"
#include "config/urls.hpp"

namespace zohosync::config::detail {

using namespace std::chrono_literals;

Check int_between(std::int64_t min, std::int64_t max) {
  return [min, max](const Value& v) -> std::string {
    auto n = std::get<std::int64_t>(v);
    if (n < min || n > max)
      return "must be from " + std::to_string(min) + " to " + std::to_string(max);
    return "";
  };
}

Check share() {
  return [](const Value& v) -> std::string {
    double d = std::get<double>(v);
    if (!(d >= 0.0 && d <= 1.0))
      return "must be a share from 0 to 1 (e.g. 0.2 = 20 %)";
    return "";
  };
}

Check duration_between(Duration min, Duration max) {
  return [min, max](const Value& v) -> std::string {
    const Duration d = std::get<Duration>(v);
    if (d < min || d > max)
      return "must be from " + format_duration(min) + " to " + format_duration(max);
    return "";
  };
}

Check url_or_empty() {
  return [](const Value& v) -> std::string {
    const auto& s = std::get<std::string>(v);
    return s.empty() ? "" : check_base_url(s);
  };
}

Check absolute_path() {
  return [](const Value& v) -> std::string {
    const auto& s = std::get<std::string>(v);
    if (s.empty())
      return "must not be empty";
    if (s.front() != '/')
      return "must be an absolute path";
    return "";
  };
}

Check absolute_path_or_empty() {
  return [](const Value& v) -> std::string {
    const auto& s = std::get<std::string>(v);
    if (!s.empty() && s.front() != '/')
      return "must be an absolute path (or \"\")";
    return "";
  };
}

Check listen_address() {
  return [](const Value& v) -> std::string {
    const auto& s = std::get<std::string>(v);
    bool loopback = false;
    return s.empty() ? "" : check_listen_address(s, &loopback);
  };
}

Check no_duplicates() {
  return [](const Value& v) -> std::string {
    const auto& list = std::get<std::vector<std::string>>(v);
    std::set<std::string> seen;
    for (const auto& item : list) {
      if (item.empty())
        return "entries must not be empty";
      if (!seen.insert(item).second)
        return "\"" + item + "\" is listed twice";
    }
    return "";
  };
}

Check include_rules() {
  return [](const Value& v) -> std::string {
    for (const auto& text : std::get<std::vector<std::string>>(v)) {
      common::RuleParse parsed = common::parse_include_rule(text);
      if (!parsed.rule)
        return "rule \"" + text + "\": " + parsed.error;
    }
    return "";
  };
}

}  // namespace zohosync::config::detail
