#include "tests/sandbox/errors.hpp"

#include "tests/sandbox/sandbox.hpp"

namespace zohosync::sandbox {

namespace json = boost::json;

json::object crm_error_object(const std::string& code, const std::string& message,
                              json::object details) {
  return json::object{
      {"code", code}, {"details", std::move(details)}, {"message", message}, {"status", "error"}};
}

response crm_error(int status, const std::string& code, const std::string& message,
                   json::object details) {
  return json_response(status, crm_error_object(code, message, std::move(details)));
}

response inventory_error(int status, int code, const std::string& message) {
  return json_response(status, json::object{{"code", code}, {"message", message}});
}

response projects_error(int status, const std::string& method, const std::string& title,
                        json::array details) {
  return json_response(status,
                       json::object{{"error", json::object{{"status_code", std::to_string(status)},
                                                           {"method", method},
                                                           {"title", title},
                                                           {"details", std::move(details)}}}});
}

response projects_error(int status, const std::string& method, const std::string& title,
                        const std::string& message) {
  return projects_error(status, method, title, json::array{json::object{{"message", message}}});
}

response contracts_error(int status, const std::string& code, const std::string& message) {
  return json_response(status,
                       json::object{{"code", code}, {"message", message}, {"status", "error"}});
}

response auth_error(product p, auth_status why, const std::string& method) {
  switch (p) {
    case product::crm:
      if (why == auth_status::missing) {
        return crm_error(401, "AUTHENTICATION_FAILURE", "Authentication failed");
      }
      return crm_error(401, "INVALID_TOKEN", "invalid oauth token");
    case product::inventory:
      if (why == auth_status::missing) {
        return inventory_error(401, 14, "Invalid value passed for authtoken.");
      }
      return inventory_error(401, 57, "You are not authorized to perform this operation");
    case product::projects:
      return projects_error(401, method, "INVALID_OAUTHTOKEN", "Invalid OAuth access token.");
    case product::contracts:
      return contracts_error(401, "INVALID_OAUTHTOKEN", "invalid oauth token");
  }
  return empty_response(401);
}

response scope_error(product p, const std::string& method) {
  switch (p) {
    case product::crm:
      return crm_error(401, "OAUTH_SCOPE_MISMATCH", "invalid oauth scope to access this URL");
    case product::inventory:
      // Inventory reports a missing scope with the same code 57 as a bad token.
      return inventory_error(401, 57, "You are not authorized to perform this operation");
    case product::projects:
      return projects_error(401, method, "OAUTH_SCOPE_MISMATCH",
                            "The OAuth scope of the token does not allow this operation.");
    case product::contracts:
      return contracts_error(401, "OAUTH_SCOPE_MISMATCH", "Unauthorized");
  }
  return empty_response(401);
}

response limit_error(limit_verdict v, const std::string& method, int lockout_s) {
  switch (v) {
    case limit_verdict::crm_concurrency:
    case limit_verdict::crm_credits:
      return crm_error(429, "TOO_MANY_REQUESTS",
                       "Number of API requests for the 24 hour period is exceeded or the "
                       "concurrency limit of the user for the app is exceeded.");
    case limit_verdict::inventory_minute:
      return inventory_error(429, 44,
                             "You have exceeded the maximum number of requests per minute "
                             "for this organization.");
    case limit_verdict::inventory_daily:
      return inventory_error(429, 45,
                             "The API call for this organization has exceeded the maximum call "
                             "rate limit.");
    case limit_verdict::inventory_concurrency:
      return inventory_error(429, 1070,
                             "You have exceeded the maximum number of in process requests.");
    case limit_verdict::projects_locked: {
      auto r = projects_error(429, method, "TOO_MANY_REQUESTS",
                              "API access is locked: more than the allowed requests in the "
                              "window. Try again after " +
                                  std::to_string(lockout_s / 60) + " minutes.");
      return r;
    }
    case limit_verdict::ok:
      break;
  }
  return empty_response(429);
}

response internal_error(product p, const std::string& method) {
  switch (p) {
    case product::crm:
      return crm_error(500, "INTERNAL_ERROR", "Internal server error occurred.");
    case product::inventory:
      return inventory_error(500, 1000, "Internal error");
    case product::projects:
      return projects_error(500, method, "INTERNAL_SERVER_ERROR", "Internal server error.");
    case product::contracts:
      return contracts_error(500, "INTERNAL_ERROR", "Internal Server Error");
  }
  return empty_response(500);
}

response throttled_error(product p, const std::string& method) {
  switch (p) {
    case product::crm:
      return limit_error(limit_verdict::crm_concurrency, method, 0);
    case product::inventory:
      return limit_error(limit_verdict::inventory_minute, method, 0);
    case product::projects:
      return projects_error(429, method, "TOO_MANY_REQUESTS", "Too many requests.");
    case product::contracts:
      return contracts_error(429, "TOO_MANY_REQUESTS", "Too many requests");
  }
  return empty_response(429);
}

response not_found(product p, const std::string& method) {
  switch (p) {
    case product::crm:
      return crm_error(404, "INVALID_URL_PATTERN",
                       "Please check if the URL trying to access is a correct one");
    case product::inventory:
      return inventory_error(404, 5, "Invalid URL Passed");
    case product::projects:
      return projects_error(404, method, "INVALID_URL", "The requested URL is not valid.");
    case product::contracts:
      return contracts_error(404, "INVALID_URL_PATTERN", "Request URL is incorrect");
  }
  return empty_response(404);
}

}  // namespace zohosync::sandbox
