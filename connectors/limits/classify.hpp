#pragma once
// What a product's HTTP answer means for the transport: fine, the access token
// was refused, throttled, a server fault, or a definite refusal that the
// product connector interprets (per record or configuration). One table per
// product, from the Zoho notes (§1.3, §4, §5).

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "connectors/errors.hpp"
#include "connectors/http/message.hpp"

namespace zohosync::connectors {

enum class Product { crm, inventory, projects, contracts };

const char* to_string(Product product);

enum class Outcome {
  ok,             // 1xx-3xx and not a throttle code in a 200 body
  invalid_token,  // refresh the access token once and send again
  throttled,      // 429, Inventory 44/45/1070: not processed; back off
  server_error,   // 5xx: may or may not have been processed
  rejected,       // any other 4xx: a definite answer for the connector to read
};

struct Verdict {
  Outcome outcome = Outcome::ok;
  // For rejected/throttled/server_error: who must act.
  ErrorClass error_class = ErrorClass::transient;
  std::string code;  // the product's own code ("INVALID_TOKEN", "57", ...), if any
  std::optional<std::chrono::seconds> retry_after;
  // Inventory code 45: the org's daily cap; nothing helps until the day turns.
  bool daily_cap = false;
};

// The product's error code from a JSON body: top-level "code" (string or
// number), else data[0].code (CRM), else "error_code"; empty when none.
std::string product_code(std::string_view body);

// Retry-After as delta-seconds or an HTTP date, relative to `now`.
std::optional<std::chrono::seconds> parse_retry_after(std::string_view value,
                                                      std::chrono::system_clock::time_point now);

Verdict classify_response(Product product, const http::HttpResponse& response,
                          std::chrono::system_clock::time_point now);

// A ConnectorError for a rejected (or otherwise failed) answer; the message
// holds the status, the product code and the product's message text, nothing else.
ConnectorError error_for(Product product, const http::HttpResponse& response,
                         const Verdict& verdict);

}  // namespace zohosync::connectors
