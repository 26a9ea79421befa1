#include "config/urls.hpp"

#include <arpa/inet.h>

#include <cctype>

namespace zohosync::config::detail {
namespace {

bool valid_reg_name(std::string_view host) {
  if (host.empty() || host.size() > 253)
    return false;
  std::size_t label = 0;
  for (char c : host) {
    if (c == '.') {
      if (label == 0)
        return false;
      label = 0;
      continue;
    }
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_')
      return false;
    if (++label > 63)
      return false;
  }
  return label > 0;
}

bool parse_port(std::string_view text, int* port) {
  if (text.empty() || text.size() > 5)
    return false;
  int value = 0;
  for (char c : text) {
    if (!std::isdigit(static_cast<unsigned char>(c)))
      return false;
    value = value * 10 + (c - '0');
  }
  if (value < 1 || value > 65535)
    return false;
  *port = value;
  return true;
}

// Splits "host:port" / "[v6]:port" / "host"; host returned without brackets.
bool split_host_port(std::string_view authority, std::string* host, std::string_view* port,
                     bool* ipv6) {
  *ipv6 = false;
  if (!authority.empty() && authority.front() == '[') {
    auto close = authority.find(']');
    if (close == std::string_view::npos)
      return false;
    *host = std::string(authority.substr(1, close - 1));
    *ipv6 = true;
    auto rest = authority.substr(close + 1);
    if (rest.empty()) {
      *port = {};
      return true;
    }
    if (rest.front() != ':')
      return false;
    *port = rest.substr(1);
    return true;
  }
  auto colon = authority.rfind(':');
  if (colon == std::string_view::npos) {
    *host = std::string(authority);
    *port = {};
  } else {
    *host = std::string(authority.substr(0, colon));
    *port = authority.substr(colon + 1);
    if (port->empty())
      return false;
  }
  return true;
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (auto& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

std::optional<Url> parse_url(std::string_view text, std::string* error) {
  auto fail = [&](std::string message) -> std::optional<Url> {
    *error = std::move(message);
    return std::nullopt;
  };
  for (char c : text) {
    if (std::isspace(static_cast<unsigned char>(c)) || std::iscntrl(static_cast<unsigned char>(c)))
      return fail("malformed URL: contains whitespace or control characters");
  }
  auto scheme_end = text.find("://");
  if (scheme_end == std::string_view::npos)
    return fail("malformed URL: expected http://HOST[:PORT][/PATH] or https://...");
  Url url;
  url.scheme = lower(text.substr(0, scheme_end));
  if (url.scheme != "http" && url.scheme != "https")
    return fail("unsupported URL scheme \"" + url.scheme +
                "\" (use https://, or http:// for loopback)");
  auto rest = text.substr(scheme_end + 3);
  if (rest.find_first_of("?#") != std::string_view::npos)
    return fail("malformed URL: a base URL takes no query or fragment");
  auto slash = rest.find('/');
  auto authority = rest.substr(0, slash);
  if (authority.find('@') != std::string_view::npos)
    return fail("malformed URL: user info (credentials) in a URL is not allowed");
  std::string_view port;
  bool ipv6 = false;
  if (!split_host_port(authority, &url.host, &port, &ipv6))
    return fail("malformed URL: bad host or port");
  if (ipv6) {
    in6_addr addr{};
    if (inet_pton(AF_INET6, url.host.c_str(), &addr) != 1)
      return fail("malformed URL: bad IPv6 address \"" + url.host + "\"");
  } else if (!valid_reg_name(url.host)) {
    return fail("malformed URL: bad host name \"" + url.host + "\"");
  }
  url.host = lower(url.host);
  if (!port.empty() && !parse_port(port, &url.port))
    return fail("malformed URL: port must be a number from 1 to 65535");
  if (slash != std::string_view::npos) {
    url.path = std::string(rest.substr(slash));
    while (!url.path.empty() && url.path.back() == '/')
      url.path.pop_back();
  }
  return url;
}

bool is_loopback_host(std::string_view host) {
  std::string h = lower(host);
  if (h == "localhost" || h == "::1")
    return true;
  in_addr v4{};
  if (inet_pton(AF_INET, h.c_str(), &v4) == 1) {
    return (ntohl(v4.s_addr) >> 24) == 127;
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, h.c_str(), &v6) == 1)
    return IN6_IS_ADDR_LOOPBACK(&v6);
  return false;
}

std::string check_base_url(std::string_view text) {
  std::string error;
  auto url = parse_url(text, &error);
  if (!url)
    return error;
  if (url->scheme == "http" && !is_loopback_host(url->host)) {
    return "plain http:// is allowed only for loopback hosts (127.0.0.0/8, ::1, localhost); "
           "use https:// for \"" +
           url->host + "\"";
  }
  return "";
}

std::string trim_url(std::string_view text) {
  std::string out(text);
  while (!out.empty() && out.back() == '/')
    out.pop_back();
  return out;
}

std::string check_listen_address(std::string_view text, bool* loopback) {
  *loopback = false;
  std::string host;
  std::string_view port;
  bool ipv6 = false;
  int port_number = 0;
  if (!split_host_port(text, &host, &port, &ipv6) || port.empty() ||
      !parse_port(port, &port_number)) {
    return "expected HOST:PORT, e.g. \"127.0.0.1:9464\" or \"[::1]:9464\"";
  }
  in_addr v4{};
  in6_addr v6{};
  bool ok = host == "localhost" || (ipv6 && inet_pton(AF_INET6, host.c_str(), &v6) == 1) ||
            (!ipv6 && inet_pton(AF_INET, host.c_str(), &v4) == 1);
  if (!ok)
    return "the listen host must be an IP address or localhost, got \"" + host + "\"";
  *loopback = is_loopback_host(host);
  return "";
}

const std::vector<std::string>& data_centres() {
  static const std::vector<std::string> kDcs = {"com", "eu", "in", "com.au",
                                                "jp",  "ca", "sa", "com.cn"};
  return kDcs;
}

std::optional<DataCentreHosts> data_centre_hosts(std::string_view dc) {
  bool known = false;
  for (const auto& d : data_centres())
    known = known || d == dc;
  if (!known)
    return std::nullopt;
  const std::string tld(dc);
  DataCentreHosts hosts;
  hosts.api_domain = "https://www.zohoapis." + tld;
  if (dc == "ca") {
    // Canada runs its non-API hosts on zohocloud.ca (Accounts and Contracts
    // are documented there; Projects is assumed to follow).
    hosts.accounts = "https://accounts.zohocloud.ca";
    hosts.contracts = "https://contracts.zohocloud.ca";
    hosts.projects = "https://projectsapi.zohocloud.ca";
  } else {
    hosts.accounts = "https://accounts.zoho." + tld;
    hosts.projects = "https://projectsapi.zoho." + tld;
    // Zoho Contracts lists no China data centre.
    if (dc != "com.cn")
      hosts.contracts = "https://contracts.zoho." + tld;
  }
  return hosts;
}

}  // namespace zohosync::config::detail
