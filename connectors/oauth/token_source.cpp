#include "connectors/oauth/token_source.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "connectors/errors.hpp"
#include "connectors/http/url.hpp"
#include "connectors/limits/clock.hpp"
#include "connectors/oauth/token_cache.hpp"
#include "connectors/oauth/token_response.hpp"

namespace zohosync::connectors::oauth {

namespace asio = boost::asio;

TokenSource::TokenSource(http::HttpTransport& transport, Clock& clock, OAuthOptions options)
    : transport_(transport), clock_(clock), options_(std::move(options)) {
  while (!options_.accounts_url.empty() && options_.accounts_url.back() == '/')
    options_.accounts_url.pop_back();
  cache_key_ = credentials_key(options_.accounts_url, options_.client_id, options_.refresh_token);
  if (!options_.cache_file.empty()) {
    current_ = load_token_cache(options_.cache_file, cache_key_);
    if (current_)
      (options_.logger ? *options_.logger : *spdlog::default_logger())
          .debug("[oauth] using the cached access token from {}", options_.cache_file.string());
  }
}

TokenSource::~TokenSource() = default;

std::string TokenSource::api_domain() const {
  return current_ ? current_->api_domain : "";
}

void TokenSource::log_failure(const std::string& message, bool warn) const {
  auto& logger = options_.logger ? *options_.logger : *spdlog::default_logger();
  if (warn)
    logger.warn("[oauth] {}", message);
  else
    logger.error("[oauth] {}", message);
}

asio::awaitable<AccessToken> TokenSource::token() {
  if (current_ && current_->expires_at - clock_.wall_now() > options_.refresh_margin)
    co_return *current_;
  co_return co_await refresh_shared();
}

asio::awaitable<AccessToken> TokenSource::refresh_rejected(std::string rejected) {
  if (current_ && current_->value != rejected)
    co_return *current_;
  // The product says this token is no good, whatever its expiry claims.
  if (current_ && current_->value == rejected)
    current_.reset();
  co_return co_await refresh_shared();
}

asio::awaitable<AccessToken> TokenSource::refresh_shared() {
  if (refreshing_) {
    const auto executor = co_await asio::this_coro::executor;
    auto timer =
        std::make_shared<asio::steady_timer>(executor, asio::steady_timer::time_point::max());
    waiters_.push_back(timer);
    boost::system::error_code ignored;
    co_await timer->async_wait(asio::redirect_error(asio::use_awaitable, ignored));
    // Everyone who waited gets the outcome of the refresh they waited for.
    if (last_error_)
      std::rethrow_exception(last_error_);
    if (current_)
      co_return *current_;
    throw ConnectorError(ErrorClass::transient, "access token refresh did not complete");
  }

  refreshing_ = true;
  std::optional<AccessToken> fresh;
  std::exception_ptr error;
  try {
    fresh = co_await request_token();
  } catch (...) {
    error = std::current_exception();
  }
  refreshing_ = false;
  last_error_ = error;
  if (fresh)
    store(*fresh);
  auto waiters = std::move(waiters_);
  waiters_.clear();
  for (auto& waiter : waiters)
    waiter->cancel();
  if (error)
    std::rethrow_exception(error);
  co_return *fresh;
}

void TokenSource::store(const AccessToken& token) {
  current_ = token;
  if (options_.cache_file.empty() || options_.cache_read_only)
    return;
  try {
    save_token_cache(options_.cache_file, cache_key_, token);
  } catch (const std::exception& error) {
    // Not fatal: the next restart spends one more refresh.
    log_failure(error.what(), true);
  }
}

asio::awaitable<AccessToken> TokenSource::request_token() {
  const auto now = clock_.now();
  if (cooldown_until_ && now < *cooldown_until_) {
    const auto left = std::chrono::ceil<std::chrono::seconds>(*cooldown_until_ - now);
    throw ConnectorError(ErrorClass::transient,
                         "token endpoint throttled us earlier; next token request in " +
                             std::to_string(left.count()) + " s",
                         "Access Denied", left);
  }
  while (!recent_refreshes_.empty() && now - recent_refreshes_.front() >= options_.refresh_window)
    recent_refreshes_.pop_front();
  if (static_cast<int>(recent_refreshes_.size()) >= options_.max_refreshes_per_window) {
    const auto left = std::chrono::ceil<std::chrono::seconds>(recent_refreshes_.front() +
                                                              options_.refresh_window - now);
    const std::string message =
        "too many access token refreshes (" + std::to_string(recent_refreshes_.size()) + " in " +
        std::to_string(options_.refresh_window.count()) +
        " s); tokens keep being refused or expiring early; next attempt in " +
        std::to_string(left.count()) + " s";
    log_failure(message, true);
    throw ConnectorError(ErrorClass::transient, message, "REFRESH_LIMIT", left);
  }
  recent_refreshes_.push_back(now);
  ++refreshes_;

  http::HttpRequest request;
  request.method = "POST";
  request.url = options_.accounts_url + "/oauth/v2/token";
  request.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
  request.headers.emplace_back("Accept", "application/json");
  request.body = http::encode_query({{"grant_type", "refresh_token"},
                                     {"client_id", options_.client_id},
                                     {"client_secret", options_.client_secret},
                                     {"refresh_token", options_.refresh_token}});
  // Transport failures (HttpError) carry only the URL, never the form body.
  const http::HttpResponse response = co_await transport_.send(std::move(request));
  auto result = read_token_response(response, clock_.wall_now());
  if (auto* failure = std::get_if<TokenFailure>(&result)) {
    std::optional<std::chrono::seconds> retry_after;
    if (failure->throttled) {
      cooldown_until_ = clock_.now() + options_.throttle_cooldown;
      retry_after = options_.throttle_cooldown;
    }
    log_failure(failure->message, failure->error_class == ErrorClass::transient);
    throw ConnectorError(failure->error_class, failure->message, failure->error, retry_after);
  }
  auto& token = std::get<AccessToken>(result);
  (options_.logger ? *options_.logger : *spdlog::default_logger())
      .info("[oauth] access token refreshed; valid for {} s",
            std::chrono::duration_cast<std::chrono::seconds>(token.expires_at - clock_.wall_now())
                .count());
  co_return token;
}

}  // namespace zohosync::connectors::oauth
