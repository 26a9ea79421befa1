#pragma once
// The HTTP Date header (RFC 9110 IMF-fixdate, "Wed, 21 Oct 2015 07:28:00
// GMT"): the connectors take the products' own clock from it for listing
// cursors and write times, so clock skew between us and Zoho loses nothing.

#include <cstdint>
#include <optional>
#include <string_view>

namespace zohosync::connectors::http {

// Milliseconds since the epoch; nullopt for anything but a valid IMF-fixdate.
std::optional<std::int64_t> parse_http_date_ms(std::string_view text);

}  // namespace zohosync::connectors::http
