#pragma once
// One access token for all four products, from Zoho's refresh-token grant
// (POST {accounts}/oauth/v2/token). Cached in memory and in a 0600 file;
// refreshed shortly before expiry and once when a product refuses it;
// concurrent callers share one refresh in flight; the endpoint's own throttle
// (10 requests per 10 minutes per refresh token) is respected.
//
// Secrets (client secret, refresh token, access token) never appear in a log
// line or an error message. Callers on one io_context thread.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <deque>
#include <exception>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "connectors/http/transport.hpp"
#include "connectors/oauth/access_token.hpp"

namespace spdlog {
class logger;
}

namespace zohosync::connectors {
class Clock;
}

namespace zohosync::connectors::oauth {

struct OAuthOptions {
  std::string accounts_url = "https://accounts.zoho.com";  // per data centre; tests: loopback
  std::string client_id;
  std::string client_secret;
  std::string refresh_token;
  // Where the token is cached on disk (in the state dir); empty: memory only.
  std::filesystem::path cache_file;
  // Read the cache but never write it (a dry run leaves the state dir as it was).
  bool cache_read_only = false;
  // A token with less than this left is refreshed before use: one request
  // plus its retries must fit in what remains.
  std::chrono::seconds refresh_margin{std::chrono::minutes(5)};
  // Our own cap on token requests, below Zoho's 10 per 10 minutes so that a
  // restart or a second tool still has room.
  int max_refreshes_per_window = 5;
  std::chrono::seconds refresh_window{std::chrono::minutes(10)};
  // After the endpoint throttled us, no token request for this long.
  std::chrono::seconds throttle_cooldown{std::chrono::minutes(10)};
  std::shared_ptr<spdlog::logger> logger;
};

class TokenSource {
 public:
  // Reads the cache file if there is one (a token for other credentials is ignored).
  TokenSource(http::HttpTransport& transport, Clock& clock, OAuthOptions options);
  ~TokenSource();
  TokenSource(const TokenSource&) = delete;
  TokenSource& operator=(const TokenSource&) = delete;

  // A token valid for at least refresh_margin, refreshing if needed. Throws
  // ConnectorError: configuration (bad client, revoked refresh token) or
  // transient (throttled, endpoint down; retry_after set when known).
  boost::asio::awaitable<AccessToken> token();

  // A product refused `rejected`. Refreshes unless another caller already
  // replaced that token, in which case the newer one is returned.
  boost::asio::awaitable<AccessToken> refresh_rejected(std::string rejected);

  // The api_domain of the latest token ("" before the first one).
  std::string api_domain() const;
  // Token requests sent to the endpoint since construction (tests, metrics).
  std::size_t refreshes() const { return refreshes_; }

 private:
  boost::asio::awaitable<AccessToken> refresh_shared();
  boost::asio::awaitable<AccessToken> request_token();
  void store(const AccessToken& token);
  void log_failure(const std::string& message, bool warn) const;

  http::HttpTransport& transport_;
  Clock& clock_;
  OAuthOptions options_;
  std::string cache_key_;
  std::optional<AccessToken> current_;
  // A refresh in flight: other callers wait on these timers (cancel = wake).
  bool refreshing_ = false;
  std::vector<std::shared_ptr<boost::asio::steady_timer>> waiters_;
  std::exception_ptr last_error_;
  std::deque<std::chrono::steady_clock::time_point> recent_refreshes_;
  std::optional<std::chrono::steady_clock::time_point> cooldown_until_;
  std::size_t refreshes_ = 0;
};

}  // namespace zohosync::connectors::oauth
