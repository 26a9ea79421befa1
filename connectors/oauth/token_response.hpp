#pragma once
// Reading the token endpoint's answer. Zoho reports failures with HTTP 200 and
// an "error" member as often as with a 4xx, so the body decides, not the status.

#include <chrono>
#include <string>
#include <variant>

#include "connectors/errors.hpp"
#include "connectors/http/message.hpp"
#include "connectors/oauth/access_token.hpp"

namespace zohosync::connectors::oauth {

struct TokenFailure {
  ErrorClass error_class;
  std::string error;       // Zoho's error word, sanitised ("invalid_client", "Access Denied")
  std::string message;     // safe to log: no secret, no raw body
  bool throttled = false;  // the endpoint's per-refresh-token limit; back off for a while
};

// Classification (the "why" per case is in the .cpp):
//   access_token present                         -> AccessToken
//   invalid_client / invalid_client_secret /
//   unauthorized_client / invalid_code /
//   invalid_grant / invalid_scope / invalid_redirect_uri
//                                                -> configuration
//   "Access Denied", "too many requests"         -> transient, throttled
//   5xx, 429, unreadable body                    -> transient
//   any other error word                         -> configuration on 4xx, transient otherwise
std::variant<AccessToken, TokenFailure> read_token_response(
    const http::HttpResponse& response, std::chrono::system_clock::time_point now);

}  // namespace zohosync::connectors::oauth
