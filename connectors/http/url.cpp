#include "connectors/http/url.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

#include <boost/url/encode.hpp>
#include <boost/url/ipv4_address.hpp>
#include <boost/url/ipv6_address.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <boost/url/scheme.hpp>

namespace zohosync::connectors::http {
namespace {

std::string to_lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::uint16_t default_port(std::string_view scheme) {
  return scheme == "https" ? 443 : 80;
}

}  // namespace

std::string Url::origin() const {
  const std::string name = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return scheme + "://" + name + ":" + std::to_string(port);
}

std::string Url::host_header() const {
  std::string name = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  if (port != default_port(scheme))
    name += ":" + std::to_string(port);
  return name;
}

std::optional<Url> parse_url(std::string_view text) {
  // Boost.URL reads the scheme and the authority (user-info, host, IPv6
  // literal, port). The target after them is passed on as written: Boost.URL
  // has no lenient mode, and it refuses a path or query holding a byte RFC
  // 3986 does not allow (a space, '|', a lone '%'), which an id taken from a
  // product's answer may put into a path. Such a request must reach the
  // server, which refuses that one record, rather than fail here as a
  // configuration error of the whole connector.
  const auto scheme_end = text.find("://");
  if (scheme_end == std::string_view::npos)
    return std::nullopt;
  text = text.substr(0, text.find('#', scheme_end));  // a fragment never travels
  const auto authority_end = text.find_first_of("/?", scheme_end + 3);
  // Boost.URL 1.81 reads "host:7x" as port 7 and path "x": the text given
  // ends with the authority, so a path found there means it did not parse.
  const auto origin = boost::urls::parse_uri(text.substr(0, authority_end));
  if (!origin || !origin->encoded_path().empty() || origin->encoded_host().empty())
    return std::nullopt;
  // User-info in a URL would end up in logs; nothing we call needs it.
  if (origin->has_userinfo())
    return std::nullopt;
  if (origin->scheme_id() != boost::urls::scheme::http &&
      origin->scheme_id() != boost::urls::scheme::https)
    return std::nullopt;

  Url url;
  url.scheme = to_lower(origin->scheme());
  url.host = to_lower(origin->encoded_host_address());  // an IPv6 literal without brackets
  url.port = default_port(url.scheme);
  if (const std::string_view port = origin->port(); !port.empty()) {
    // Boost.URL's port_number() answers 0 for a port past 65535 rather than
    // refusing it.
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc{} || end != port.data() + port.size() || value == 0 || value > 65535)
      return std::nullopt;
    url.port = static_cast<std::uint16_t>(value);
  }
  const std::string_view target =
      authority_end == std::string_view::npos ? std::string_view{} : text.substr(authority_end);
  url.target = target.empty() ? "/" : std::string(target);
  if (url.target.front() == '?')
    url.target.insert(0, "/");
  return url;
}

bool is_loopback_host(std::string_view host) {
  if (host == "localhost")
    return true;
  if (const auto v4 = boost::urls::parse_ipv4_address(host))
    return v4->is_loopback();
  if (const auto v6 = boost::urls::parse_ipv6_address(host))
    return v6->is_loopback();
  return false;
}

std::string percent_encode(std::string_view text) {
  return boost::urls::encode(text, boost::urls::unreserved_chars);
}

// Built from percent_encode rather than Boost.URL's params: those leave the
// characters a query may hold ('/', ':', '@', '+', ...) as they are, and
// form bodies and Zoho's query values need them encoded.
std::string encode_query(const QueryParams& params) {
  std::string out;
  for (const auto& [name, value] : params) {
    if (!out.empty())
      out += '&';
    out += percent_encode(name);
    out += '=';
    out += percent_encode(value);
  }
  return out;
}

// On the text, not a parsed URL: the path before it is passed on as written
// (see parse_url), so it may be one Boost.URL would refuse.
std::string append_query(std::string url, const QueryParams& params) {
  if (params.empty())
    return url;
  url += url.find('?') == std::string::npos ? '?' : '&';
  url += encode_query(params);
  return url;
}

}  // namespace zohosync::connectors::http
