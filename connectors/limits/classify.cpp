#include "connectors/limits/classify.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include "common/wire_time.hpp"

namespace zohosync::connectors {
namespace {

std::optional<boost::json::value> parse_json(std::string_view body) {
  if (body.empty())
    return std::nullopt;
  boost::system::error_code ec;
  auto value = boost::json::parse(body, ec);
  if (ec)
    return std::nullopt;
  return value;
}

std::string code_of(const boost::json::value& value) {
  if (value.is_string())
    return std::string(value.as_string());
  if (value.is_int64())
    return std::to_string(value.as_int64());
  if (value.is_uint64())
    return std::to_string(value.as_uint64());
  return {};
}

const boost::json::object* first_data_object(const boost::json::object& object) {
  const auto* data = object.if_contains("data");
  if (!data || !data->is_array() || data->as_array().empty())
    return nullptr;
  return data->as_array().front().if_object();
}

std::string message_of(std::string_view body) {
  const auto value = parse_json(body);
  if (!value || !value->is_object())
    return {};
  const auto& object = value->as_object();
  const boost::json::object* source = &object;
  if (!object.contains("message"))
    if (const auto* first = first_data_object(object))
      source = first;
  const auto* message = source->if_contains("message");
  if (!message || !message->is_string())
    return {};
  std::string text(message->as_string());
  if (text.size() > 200)
    text.resize(200);
  return text;
}

bool is_one_of(const std::string& code, std::initializer_list<std::string_view> codes) {
  for (const auto candidate : codes)
    if (code == candidate)
      return true;
  return false;
}

// Default class of a definite refusal, by product code then by status.
ErrorClass rejected_class(Product product, unsigned status, const std::string& code) {
  // Credentials, scope, wrong ids or URLs: only the user can fix these.
  if (is_one_of(code,
                {"OAUTH_SCOPE_MISMATCH", "NO_PERMISSION", "INVALID_MODULE", "INVALID_URL_PATTERN",
                 "AUTHORIZATION_FAILED", "INVALID_REQUEST_METHOD", "AUTHENTICATION_FAILURE",
                 "INVALID_TOKEN", "INVALID_OAUTHTOKEN", "57", "14"}))
    return ErrorClass::configuration;
  // The record's own data: quarantine it, carry on with the others.
  if (is_one_of(code, {"DUPLICATE_DATA", "INVALID_DATA", "MANDATORY_NOT_FOUND", "RECORD_LOCKED",
                       "RECORD_IN_BLUEPRINT", "DEPENDENT_FIELD_MISSING", "NOT_FOUND",
                       "EXPECTED_FIELD_MISSING", "CANNOT_PROCESS", "NOT_APPROVED"}))
    return ErrorClass::per_record;
  (void)product;
  switch (status) {
    case 401:
    case 403:
    case 405:
      return ErrorClass::configuration;
    case 400:
    case 404:
    case 409:
    case 413:
    case 415:
    case 422:
      return ErrorClass::per_record;
    default:
      return ErrorClass::fatal;
  }
}

}  // namespace

const char* to_string(Product product) {
  switch (product) {
    case Product::crm:
      return "crm";
    case Product::inventory:
      return "inventory";
    case Product::projects:
      return "projects";
    case Product::contracts:
      return "contracts";
  }
  return "unknown";
}

// Inventory answers {"code":N,"message":..} with the code first, however
// large the rest (a person write answers with every person of the contact):
// read it there instead of parsing the whole body once here and again in the
// connector. Anything else (another key first, a code that is not a bare
// integer) is parsed in full.
static std::optional<std::string> leading_code(std::string_view body) {
  std::size_t at = 0;
  auto skip_space = [&] {
    while (at < body.size() &&
           (body[at] == ' ' || body[at] == '\n' || body[at] == '\r' || body[at] == '\t'))
      ++at;
  };
  auto take = [&](std::string_view text) {
    skip_space();
    if (body.substr(at, text.size()) != text)
      return false;
    at += text.size();
    return true;
  };
  if (!take("{") || !take("\"code\"") || !take(":"))
    return std::nullopt;
  skip_space();
  const std::size_t start = at;
  if (at < body.size() && body[at] == '-')
    ++at;
  while (at < body.size() && body[at] >= '0' && body[at] <= '9')
    ++at;
  const std::size_t end = at;
  if (end == start || body[end - 1] == '-')
    return std::nullopt;
  if (!take(",") && !take("}"))
    return std::nullopt;
  return std::string(body.substr(start, end - start));
}

std::string product_code(std::string_view body) {
  if (auto code = leading_code(body))
    return std::move(*code);
  const auto value = parse_json(body);
  if (!value || !value->is_object())
    return {};
  const auto& object = value->as_object();
  if (const auto* code = object.if_contains("code"))
    return code_of(*code);
  if (const auto* first = first_data_object(object))
    if (const auto* code = first->if_contains("code"))
      return code_of(*code);
  if (const auto* code = object.if_contains("error_code"))
    return code_of(*code);
  // Projects v3: {"error":{"status_code":"401","title":"INVALID_OAUTHTOKEN",...}}.
  if (const auto* error = object.if_contains("error"); error && error->is_object()) {
    for (const char* key : {"code", "title"})
      if (const auto* code = error->as_object().if_contains(key))
        return code_of(*code);
  }
  return {};
}

std::optional<std::chrono::seconds> parse_retry_after(std::string_view value,
                                                      std::chrono::system_clock::time_point now) {
  while (!value.empty() && value.front() == ' ')
    value.remove_prefix(1);
  while (!value.empty() && value.back() == ' ')
    value.remove_suffix(1);
  if (value.empty())
    return std::nullopt;
  if (value.find_first_not_of("0123456789") == std::string_view::npos) {
    if (value.size() > 9)
      return std::chrono::seconds(999'999'999);
    return std::chrono::seconds(std::stol(std::string(value)));
  }
  // An HTTP-date, e.g. "Wed, 21 Oct 2015 07:28:00 GMT".
  const auto ms = common::parse_http_date_ms(value, common::HttpDateReading::lenient);
  if (!ms)
    return std::nullopt;
  const std::chrono::system_clock::time_point when{std::chrono::milliseconds(*ms)};
  if (when <= now)
    return std::chrono::seconds(0);
  return std::chrono::ceil<std::chrono::seconds>(when - now);
}

Verdict classify_response(Product product, const http::HttpResponse& response,
                          std::chrono::system_clock::time_point now) {
  Verdict verdict;
  const unsigned status = response.status;
  verdict.code = (status >= 400 || product == Product::inventory) ? product_code(response.body)
                                                                  : std::string{};
  if (const auto* header = response.header("Retry-After"))
    verdict.retry_after = parse_retry_after(*header, now);

  // Inventory throttles in the body, sometimes under HTTP 200: 44 per minute,
  // 45 per day, 1070 concurrency.
  if (product == Product::inventory && is_one_of(verdict.code, {"44", "45", "1070"})) {
    verdict.outcome = Outcome::throttled;
    verdict.daily_cap = verdict.code == "45";
    return verdict;
  }
  if (status == 429) {
    verdict.outcome = Outcome::throttled;
    return verdict;
  }
  if (status >= 500) {
    verdict.outcome = Outcome::server_error;
    return verdict;
  }
  if (status < 400) {
    if (product != Product::inventory)
      verdict.code.clear();
    return verdict;
  }

  // Scope errors look like token errors but a new token cannot fix them.
  const bool scope_error = verdict.code == "OAUTH_SCOPE_MISMATCH";
  bool invalid_token = false;
  switch (product) {
    case Product::crm:
      // INVALID_OAUTHTOKEN: a token pushed out by newer ones (10 live per refresh token).
      invalid_token = status == 401 &&
                      (verdict.code == "INVALID_TOKEN" || verdict.code == "INVALID_OAUTHTOKEN" ||
                       verdict.code == "AUTHENTICATION_FAILURE" || verdict.code.empty());
      break;
    case Product::inventory:
      // 57 also means "missing scope": the caller refreshes once, and a second
      // 57 with a fresh token becomes a configuration error.
      invalid_token =
          verdict.code == "57" || verdict.code == "14" || (status == 401 && verdict.code.empty());
      break;
    case Product::projects:
    case Product::contracts:
      invalid_token = status == 401 && !scope_error;
      break;
  }
  if (invalid_token) {
    verdict.outcome = Outcome::invalid_token;
    verdict.error_class = ErrorClass::configuration;
    return verdict;
  }
  verdict.outcome = Outcome::rejected;
  verdict.error_class = rejected_class(product, status, verdict.code);
  return verdict;
}

ConnectorError error_for(Product product, const http::HttpResponse& response,
                         const Verdict& verdict) {
  std::string message =
      std::string(to_string(product)) + ": HTTP " + std::to_string(response.status);
  if (!verdict.code.empty())
    message += " " + verdict.code;
  if (const auto text = message_of(response.body); !text.empty())
    message += " (" + text + ")";
  return ConnectorError(verdict.error_class, std::move(message), verdict.code, verdict.retry_after);
}

}  // namespace zohosync::connectors
