#pragma once
// Times as every command prints them: RFC 3339 in UTC, to the second.

#include <cstdint>
#include <string>

namespace zohosync::daemon {

// Unix ms as "2026-12-07T17:01:02Z".
std::string utc_time(std::int64_t ms);

}  // namespace zohosync::daemon
