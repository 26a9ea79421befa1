#pragma once
// Requests and responses as plain values: what connectors build and read, and
// what the fault-injecting test transports produce, without any Beast type.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace zohosync::connectors::http {

using Headers = std::vector<std::pair<std::string, std::string>>;

// Case-insensitive lookup; nullptr when absent.
const std::string* find_header(const Headers& headers, std::string_view name);
// Replaces every header called `name` (case-insensitive) by one with `value`.
void set_header(Headers& headers, std::string_view name, std::string value);

struct HttpRequest {
  std::string method = "GET";  // any token: Contracts documents a non-standard "UPDATE"
  std::string url;             // absolute http(s) URL, query included
  Headers headers;             // Host, Content-Length, Accept-Encoding are added by the client
  std::string body;
};

struct HttpResponse {
  unsigned status = 0;
  Headers headers;   // as received (Content-Encoding removed once the body is decoded)
  std::string body;  // decoded (gzip undone)

  const std::string* header(std::string_view name) const { return find_header(headers, name); }
};

// GET, HEAD, PUT, DELETE, OPTIONS: sending them twice has the effect of once.
bool is_idempotent_method(std::string_view method);

}  // namespace zohosync::connectors::http
