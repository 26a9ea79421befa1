#pragma once
// Zoho's authorization-code grant: a grant code made by the API console's
// Self Client ("Generate Code", scopes and minutes chosen there) exchanged
// once for a refresh token (POST {accounts}/oauth/v2/token,
// grant_type=authorization_code). What `zohosync auth` runs.

#include <boost/asio/awaitable.hpp>

#include <string>
#include <variant>
#include <vector>

#include "connectors/http/transport.hpp"
#include "connectors/oauth/token_response.hpp"

namespace zohosync::connectors::oauth {

struct CodeExchange {
  std::string accounts_url;  // e.g. https://accounts.zoho.eu
  std::string client_id;
  std::string client_secret;  // secret
  std::string code;           // secret until used
};

struct GrantedRefreshToken {
  std::string refresh_token;  // secret: never logged, never printed
  std::string api_domain;     // the data centre's API domain, as the server said
  // The scopes the server says it granted; `scope_reported` false when the
  // answer had no "scope" (then nothing can be said about them).
  std::vector<std::string> scopes;
  bool scope_reported = false;
};

// Reads the token endpoint's answer to a code exchange. A refused code
// (Zoho answers `invalid_code` for unknown, used and expired codes alike)
// gets a message that says so; other failures read as for a refresh.
std::variant<GrantedRefreshToken, TokenFailure> read_code_exchange_response(
    const http::HttpResponse& response);

// Sends the exchange. Throws ConnectorError (with Zoho's error word as its
// code) when the server refuses, HttpError when it cannot be reached.
boost::asio::awaitable<GrantedRefreshToken> exchange_grant_code(http::HttpTransport& transport,
                                                                const CodeExchange& exchange);

}  // namespace zohosync::connectors::oauth
