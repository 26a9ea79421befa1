#include "connectors/oauth/token_response.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <cctype>

namespace zohosync::connectors::oauth {
namespace {

// Keeps an error word printable and short: it ends up in log lines.
std::string sanitise(std::string_view text) {
  std::string out;
  for (const char c : text.substr(0, 80))
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == ' ' || c == '.')
      out += c;
  return out;
}

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

std::optional<std::int64_t> number(const boost::json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  if (!value)
    return std::nullopt;
  if (value->is_int64())
    return value->as_int64();
  if (value->is_uint64())
    return static_cast<std::int64_t>(value->as_uint64());
  if (value->is_double()) {
    // Out of int64's range (or NaN) the conversion is undefined: unreadable.
    const double d = value->as_double();
    if (!(d > -9.0e18 && d < 9.0e18))
      return std::nullopt;
    return static_cast<std::int64_t>(d);
  }
  if (value->is_string()) {
    try {
      return std::stoll(std::string(value->as_string()));
    } catch (const std::exception&) {
      return std::nullopt;
    }
  }
  return std::nullopt;
}

std::string string_member(const boost::json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  return value && value->is_string() ? std::string(value->as_string()) : std::string{};
}

TokenFailure failure(ErrorClass error_class, std::string error, std::string message,
                     bool throttled = false) {
  return {error_class, std::move(error), std::move(message), throttled};
}

}  // namespace

std::variant<AccessToken, TokenFailure> read_token_response(
    const http::HttpResponse& response, std::chrono::system_clock::time_point now) {
  const unsigned status = response.status;
  const std::string http_status = "HTTP " + std::to_string(status);
  boost::system::error_code ec;
  const auto parsed = boost::json::parse(response.body, ec);
  const auto* object = !ec ? parsed.if_object() : nullptr;

  if (!object) {
    // Zoho's throttle answer has been seen as text/HTML as well as JSON.
    const std::string text = lower(response.body.substr(0, 2000));
    if (text.find("access denied") != std::string::npos ||
        text.find("too many requests") != std::string::npos || status == 429)
      return failure(ErrorClass::transient, "Access Denied",
                     "token endpoint throttled the refresh (" + http_status + ")", true);
    // A proxy error page or an outage: try again later.
    return failure(ErrorClass::transient, {},
                   "token endpoint answered without a JSON object (" + http_status + ")");
  }

  const std::string token = string_member(*object, "access_token");
  if (!token.empty() && status < 300) {
    // Seconds; the CRM SDK also copes with "expires_in_sec" and with values in
    // milliseconds. Anything above two days cannot be seconds for a 1 h token.
    auto expires = number(*object, "expires_in_sec");
    if (!expires)
      expires = number(*object, "expires_in");
    std::int64_t seconds = expires.value_or(3600);
    if (seconds > 2 * 86400)
      seconds /= 1000;
    // Still above two days (or not positive): unreadable, so the documented
    // hour. It also keeps now + seconds inside the clock's range.
    if (seconds <= 0 || seconds > 2 * 86400)
      seconds = 3600;
    AccessToken access;
    access.value = token;
    access.expires_at = now + std::chrono::seconds(seconds);
    access.api_domain = string_member(*object, "api_domain");
    access.scope = string_member(*object, "scope");
    while (!access.api_domain.empty() && access.api_domain.back() == '/')
      access.api_domain.pop_back();
    return access;
  }

  const std::string error = sanitise(string_member(*object, "error"));
  const std::string description = lower(string_member(*object, "error_description"));
  const std::string error_lower = lower(error);

  // Zoho allows 10 token requests per 10 minutes per refresh token and then
  // blocks the rest of the window: wait, do not hammer (transient, throttled).
  if (error_lower.find("access denied") != std::string::npos ||
      description.find("too many requests") != std::string::npos || status == 429)
    return failure(ErrorClass::transient, error.empty() ? "Access Denied" : error,
                   "token endpoint throttled the refresh (" + http_status +
                       "); Zoho allows 10 token requests per 10 minutes",
                   true);

  // Wrong client id/secret: the user must fix the config (configuration).
  if (error_lower == "invalid_client" || error_lower == "invalid_client_secret" ||
      error_lower == "unauthorized_client")
    return failure(ErrorClass::configuration, error,
                   "token endpoint refused the client (" + error +
                       "): check client_id, client_secret and the accounts server of the "
                       "data centre");
  // Refresh token revoked, expired or from another client: a new grant is
  // needed (configuration).
  if (error_lower == "invalid_code" || error_lower == "invalid_grant")
    return failure(ErrorClass::configuration, error,
                   "token endpoint refused the refresh token (" + error +
                       "): it was revoked or belongs to another client; authorise again");
  // Scope or redirect problems are part of the client registration (configuration).
  if (error_lower == "invalid_scope" || error_lower == "invalid_redirect_uri")
    return failure(ErrorClass::configuration, error,
                   "token endpoint refused the grant (" + error + "): check the client's scopes");

  if (status >= 500)
    return failure(
        ErrorClass::transient, error,
        "token endpoint failed (" + http_status + (error.empty() ? "" : ", " + error) + ")");
  if (error.empty())
    // HTTP 2xx, JSON, but neither a token nor an error: a broken answer; the
    // next cycle may get a good one (transient).
    return failure(ErrorClass::transient, {},
                   "token endpoint answered without an access token (" + http_status + ")");
  // An error word we do not know: a 4xx is a definite refusal (configuration);
  // under 2xx/3xx we cannot tell, so the next cycle tries again (transient).
  return failure(status >= 400 ? ErrorClass::configuration : ErrorClass::transient, error,
                 "token endpoint refused the refresh (" + http_status + ", " + error + ")");
}

}  // namespace zohosync::connectors::oauth
