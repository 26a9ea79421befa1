#include "connectors/oauth/code_exchange.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <chrono>

#include "connectors/errors.hpp"
#include "connectors/http/url.hpp"
#include "connectors/oauth/scopes.hpp"

namespace zohosync::connectors::oauth {
namespace {

std::string string_member(const boost::json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  return value && value->is_string() ? std::string(value->as_string()) : std::string{};
}

}  // namespace

std::variant<GrantedRefreshToken, TokenFailure> read_code_exchange_response(
    const http::HttpResponse& response) {
  // The failure cases are the refresh grant's, read by the same rules; only
  // the words about a refused code differ.
  auto as_refresh = read_token_response(response, std::chrono::system_clock::now());
  if (auto* failure = std::get_if<TokenFailure>(&as_refresh)) {
    if (failure->error == "invalid_code" || failure->error == "invalid_grant")
      failure->message =
          "the accounts server refused the grant code (" + failure->error +
          "): it was already used, has expired, or was made for another client or data centre; "
          "generate a new one (API console, Self Client, Generate Code) and run auth again at "
          "once";
    return *failure;
  }
  // An access token came back: the object and its members are readable.
  const auto parsed = boost::json::parse(response.body);
  const auto& object = parsed.as_object();
  GrantedRefreshToken granted;
  granted.refresh_token = string_member(object, "refresh_token");
  granted.api_domain = std::get<AccessToken>(as_refresh).api_domain;
  if (const auto* scope = object.if_contains("scope"); scope && scope->is_string()) {
    granted.scopes = split_scopes(scope->as_string());
    granted.scope_reported = true;
  }
  if (granted.refresh_token.empty())
    return TokenFailure{ErrorClass::configuration, "no_refresh_token",
                        "the accounts server granted an access token but no refresh token: make "
                        "the code with the API console's Self Client, which grants offline access",
                        false};
  return granted;
}

boost::asio::awaitable<GrantedRefreshToken> exchange_grant_code(http::HttpTransport& transport,
                                                                const CodeExchange& exchange) {
  std::string accounts = exchange.accounts_url;
  while (!accounts.empty() && accounts.back() == '/')
    accounts.pop_back();
  http::HttpRequest request;
  request.method = "POST";
  request.url = accounts + "/oauth/v2/token";
  request.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
  request.headers.emplace_back("Accept", "application/json");
  request.body = http::encode_query({{"grant_type", "authorization_code"},
                                     {"client_id", exchange.client_id},
                                     {"client_secret", exchange.client_secret},
                                     {"code", exchange.code}});
  // Sent once: a code works once, so even a reply lost on the way is final.
  const http::HttpResponse response = co_await transport.send(std::move(request));
  auto result = read_code_exchange_response(response);
  if (auto* failure = std::get_if<TokenFailure>(&result))
    throw ConnectorError(failure->error_class, failure->message, failure->error);
  co_return std::get<GrantedRefreshToken>(std::move(result));
}

}  // namespace zohosync::connectors::oauth
