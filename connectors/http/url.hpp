#pragma once
// URL parsing and query/form encoding, kept apart from the transport so that
// connectors can build URLs without pulling in Beast.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace zohosync::connectors::http {

struct Url {
  std::string scheme;  // "http" or "https", lower case
  std::string host;    // lower case; IPv6 literals without brackets
  std::uint16_t port = 0;
  std::string target;  // path plus "?query", never empty ("/" at least)

  // "scheme://host:port", the key connections are pooled under.
  std::string origin() const;
  // The Host header value (port omitted when it is the scheme's default).
  std::string host_header() const;
  bool is_https() const { return scheme == "https"; }
};

// Parses absolute http(s) URLs; nullopt for anything else (other schemes,
// user-info, bad port, missing host). Fragments are dropped.
std::optional<Url> parse_url(std::string_view text);

// True for "localhost", 127.0.0.0/8 and ::1: the only hosts plain http may reach.
bool is_loopback_host(std::string_view host);

// RFC 3986 percent-encoding of everything but unreserved characters.
std::string percent_encode(std::string_view text);

using QueryParams = std::vector<std::pair<std::string, std::string>>;

// "a=1&b=x%20y": for query strings and application/x-www-form-urlencoded bodies.
std::string encode_query(const QueryParams& params);

// Appends encoded params to a URL or path that may already have a query.
std::string append_query(std::string url, const QueryParams& params);

}  // namespace zohosync::connectors::http
