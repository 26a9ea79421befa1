#pragma once

// URL checks and the data-centre host table (see zoho-api-notes §1.1).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace zohosync::config::detail {

struct Url {
  std::string scheme;  // "http" | "https"
  std::string host;    // without brackets for IPv6
  int port = 0;        // 0 = scheme default
  std::string path;    // "" or "/..."; never a trailing '/'
};

// Parses an absolute http(s) URL without user info, query or fragment.
// On failure returns nullopt and sets *error to a message for the user.
std::optional<Url> parse_url(std::string_view text, std::string* error);
// 127.0.0.0/8, ::1 and localhost: the only hosts plain http:// may reach.
bool is_loopback_host(std::string_view host);
// "" when `text` is a usable base URL, else why not (malformed, http to a
// non-loopback host).
std::string check_base_url(std::string_view text);
// `text` without trailing slashes.
std::string trim_url(std::string_view text);
// "" when `text` is a usable listen address (IP:PORT, [IPv6]:PORT, localhost:PORT).
std::string check_listen_address(std::string_view text, bool* loopback);

struct DataCentreHosts {
  std::string api_domain;  // CRM; Inventory lives below it
  std::string projects;
  std::string contracts;  // "" where Zoho lists none (com.cn)
  std::string accounts;
};
const std::vector<std::string>& data_centres();
std::optional<DataCentreHosts> data_centre_hosts(std::string_view dc);

}  // namespace zohosync::config::detail
