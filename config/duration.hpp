#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "config/config.hpp"

namespace zohosync::config::detail {

// Durations are written as a string of number+unit groups: "500ms", "90s",
// "5m", "1h30m", "2d" (units ms, s, m, h, d), or as an integer number of seconds.
// Hand-written: toml++ has no duration type, and no Debian-packaged library
// reads this systemd-like notation with our error messages.
std::optional<Duration> parse_duration(std::string_view text);
// The shortest string parse_duration() reads back as the same value.
std::string format_duration(Duration duration);

}  // namespace zohosync::config::detail
