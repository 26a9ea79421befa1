#include "connectors/limits/api_client.hpp"

#include <algorithm>
#include <cmath>
#include <system_error>

#include <spdlog/spdlog.h>

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <random>

#include "connectors/oauth/token_source.hpp"

namespace zohosync::connectors {

namespace asio = boost::asio;

namespace {

// A success answer whose JSON body does not parse (cut short, mangled by a
// proxy) is a transport fault, not the product's word: retried where that is
// safe, outcome unknown otherwise. Left to the connector it would fail a
// whole listing on one bad page. Bodies that do not claim to be JSON are the
// connector's to judge.
bool unreadable_json(const http::HttpResponse& response) {
  if (response.status < 200 || response.status >= 300 || response.body.empty())
    return false;
  if (const auto* type = response.header("Content-Type");
      type != nullptr && type->find("json") == std::string::npos)
    return false;
  boost::json::monotonic_resource scratch;
  boost::system::error_code ec;
  boost::json::parse(response.body, ec, &scratch);
  return static_cast<bool>(ec);
}

}  // namespace

ApiClientOptions default_api_options(Product product) {
  ApiClientOptions options;
  options.product = product;
  switch (product) {
    case Product::crm:
      // Concurrency 5 (Free edition, the lowest); credits are the real limit.
      options.api_path = "/crm/v8";
      options.rate = {5.0, 10.0};
      options.max_concurrency = 5;
      options.credit_budget = CreditBudgetOptions{};
      break;
    case Product::inventory:
      // 100 requests/min per org (Books family), concurrency 5 on Free.
      options.api_path = "/inventory/v1";
      options.rate = {100.0 / 60.0, 10.0};
      options.max_concurrency = 5;
      break;
    case Product::projects:
      // 100 requests per 2 minutes, then a 30-minute lock-out: stay well below.
      options.rate = {80.0 / 120.0, 5.0};
      options.max_concurrency = 3;
      break;
    case Product::contracts:
      // No published limit: be polite.
      options.rate = {1.0, 5.0};
      options.max_concurrency = 3;
      break;
  }
  return options;
}

ApiClient::ApiClient(http::HttpTransport& transport, oauth::TokenSource& tokens, Clock& clock,
                     ApiClientOptions options)
    : transport_(transport),
      tokens_(tokens),
      clock_(clock),
      options_(std::move(options)),
      bucket_(options_.rate, clock.now()),
      concurrency_(options_.max_concurrency),
      retry_(options_.retry, options_.random_seed ? options_.random_seed : std::random_device{}()) {
  while (!options_.base_url.empty() && options_.base_url.back() == '/')
    options_.base_url.pop_back();
  if (options_.credit_budget)
    budget_ = std::make_unique<CreditBudget>(*options_.credit_budget, clock_, options_.logger);
}

ApiClient::~ApiClient() = default;

spdlog::logger& ApiClient::log() const {
  return options_.logger ? *options_.logger : *spdlog::default_logger();
}

std::string ApiClient::resolve_url(const ApiRequest& request) const {
  std::string base = options_.base_url;
  if (base.empty()) {
    const std::string domain = tokens_.api_domain();
    if (domain.empty())
      throw ConnectorError(ErrorClass::configuration,
                           std::string(to_string(options_.product)) +
                               ": no base URL configured and the token answer named no api_domain");
    base = domain + options_.api_path;
  }
  return http::append_query(base + request.path, request.query);
}

ConnectorError ApiClient::error_for(const http::HttpResponse& response) const {
  return connectors::error_for(options_.product, response,
                               classify_response(options_.product, response, clock_.wall_now()));
}

asio::awaitable<http::HttpResponse> ApiClient::send(ApiRequest request) {
  const char* product = to_string(options_.product);
  const bool idempotent = request.idempotent.value_or(http::is_idempotent_method(request.method));
  const bool is_write =
      request.is_write.value_or(request.method != "GET" && request.method != "HEAD");
  // The path without its query: queries hold e-mail addresses and ids.
  const std::string what = request.method + " " + request.path.substr(0, request.path.find('?'));
  if (budget_ && is_write)
    budget_->check_write(request.credits);

  bool refreshed = false;
  for (int attempt = 1;; ++attempt) {
    Retryability retryability = Retryability::never;
    std::optional<std::chrono::seconds> retry_after;
    std::optional<ConnectorError> failure;
    {
      auto permit = co_await concurrency_.acquire();
      std::chrono::nanoseconds wait{0};
      if (RequestLedger* ledger = shared_ledger()) {
        try {
          wait = ledger->reserve(options_.product, options_.rate, clock_.wall_now());
        } catch (const std::system_error& error) {
          ledger_failed(error);
          wait = bucket_.reserve(clock_.now());
        }
      } else {
        wait = bucket_.reserve(clock_.now());
      }
      if (wait >= std::chrono::seconds(5) &&
          (!budget_wait_logged_ ||
           clock_.now() - *budget_wait_logged_ >= std::chrono::minutes(1))) {
        // A paced listing can take minutes: say why, once a minute.
        budget_wait_logged_ = clock_.now();
        log().info("[{}] waiting {} s for the request budget ({:.1f} requests/min{})", product,
                   std::chrono::duration_cast<std::chrono::seconds>(wait).count(),
                   options_.rate.requests_per_second * 60.0,
                   shared_ledger() != nullptr ? ", shared by every process on the state dir" : "");
      }
      if (wait.count() > 0) {
        const auto until = clock_.wall_now() +
                           std::chrono::duration_cast<std::chrono::system_clock::duration>(wait);
        if (budget_waits_ == 0 || until > budget_wait_until_)
          budget_wait_until_ = until;
        // Counted down also when the wait is cancelled (a stop).
        struct Waiting {
          std::size_t& waits;
          explicit Waiting(std::size_t& n) : waits(n) { ++waits; }
          ~Waiting() { --waits; }
        } waiting(budget_waits_);
        co_await clock_.sleep_for(wait);
      }
      const oauth::AccessToken token = co_await tokens_.token();

      http::HttpRequest outgoing;
      outgoing.method = request.method;
      outgoing.url = resolve_url(request);
      outgoing.headers = request.headers;
      http::set_header(outgoing.headers, "Authorization", "Zoho-oauthtoken " + token.value);
      outgoing.body = request.body;

      std::optional<http::HttpResponse> response;
      std::optional<http::HttpError> transport_error;
      ++requests_sent_;
      const auto sent_at = clock_.now();
      try {
        response = co_await transport_.send(std::move(outgoing));
      } catch (const http::HttpError& error) {
        transport_error = error;
      }
      latency_.observe(clock_.now() - sent_at);
      permit.release();

      if (transport_error) {
        ++transport_failures_;
        if (transport_error->error_class() != ErrorClass::transient)
          throw *transport_error;
        retryability = http::request_not_sent(transport_error->kind())
                           ? Retryability::not_processed
                           : Retryability::maybe_processed;
        failure = ConnectorError(ErrorClass::transient,
                                 std::string(product) + ": " + transport_error->what());
      } else {
        ++responses_by_status_[response->status];
        if (budget_) {
          budget_->spend(request.credits);
          if (const auto* remaining = response->header("X-API-CREDITS-REMAINING")) {
            try {
              budget_->observe_remaining(std::stoll(*remaining));
            } catch (const std::exception&) {
              // A malformed header is no reason to fail the call.
            }
          }
        }
        const Verdict verdict = classify_response(options_.product, *response, clock_.wall_now());
        switch (verdict.outcome) {
          case Outcome::ok:
            if (unreadable_json(*response)) {
              retryability = Retryability::maybe_processed;
              failure =
                  ConnectorError(ErrorClass::transient,
                                 std::string(product) + ": unreadable answer (HTTP " +
                                     std::to_string(response->status) + ", the body is not JSON)");
              break;
            }
            co_return std::move(*response);
          case Outcome::rejected:
            co_return std::move(*response);
          case Outcome::invalid_token:
            if (!refreshed) {
              // Once per request: expired early, revoked, or pushed out by
              // newer tokens (Zoho keeps 10 per refresh token).
              refreshed = true;
              log().info("[{}] access token refused ({}); refreshing once", product,
                         verdict.code.empty() ? "HTTP 401" : verdict.code);
              // A named argument: no temporaries inside co_await (GCC 12 coroutine bugs).
              std::string rejected = token.value;
              co_await tokens_.refresh_rejected(std::move(rejected));
              --attempt;
              continue;
            } else {
              auto error = connectors::error_for(options_.product, *response, verdict);
              throw ConnectorError(ErrorClass::configuration,
                                   std::string(error.what()) +
                                       ": refused again with a fresh token; check the "
                                       "client's scopes and the organisation",
                                   error.product_code());
            }
          case Outcome::throttled:
            ++throttled_;
            retryability = verdict.daily_cap ? Retryability::never : Retryability::not_processed;
            retry_after = verdict.retry_after;
            // Every process on the state dir waits for the throttle's end,
            // the ones started later too.
            if (RequestLedger* ledger = shared_ledger(); ledger && verdict.retry_after) {
              try {
                ledger->block_until(options_.product, clock_.wall_now() + *verdict.retry_after);
              } catch (const std::system_error& error) {
                ledger_failed(error);
              }
            }
            failure = connectors::error_for(options_.product, *response, verdict);
            break;
          case Outcome::server_error:
            retryability = Retryability::maybe_processed;
            retry_after = verdict.retry_after;
            failure = connectors::error_for(options_.product, *response, verdict);
            break;
        }
      }
    }

    const auto delay = retry_.next_delay(attempt, retryability, idempotent, retry_after);
    if (!delay) {
      if (RetryPolicy::blocked_by_idempotency(retryability, idempotent))
        throw OutcomeUnknown(std::string(failure->what()) + " during " + what +
                             "; not retried: it may have taken effect");
      log().warn("[{}] {} failed after {} attempt(s): {}", product, what, attempt, failure->what());
      throw ConnectorError(ErrorClass::transient, failure->what(), failure->product_code(),
                           retry_after ? retry_after : failure->retry_after());
    }
    ++retries_;
    log().info("[{}] {} failed ({}); retry {} of {} in {} ms", product, what, failure->what(),
               attempt, retry_.options().max_attempts - 1, delay->count());
    co_await clock_.sleep_for(*delay);
  }
}

double ApiClient::requests_available_now() const {
  if (RequestLedger* ledger = shared_ledger()) {
    try {
      return ledger->available(options_.product, options_.rate, clock_.wall_now());
    } catch (const std::system_error&) {
      // Read again at the next request, which logs the failure once.
    }
  }
  return bucket_.available(clock_.now());
}

std::chrono::milliseconds ApiClient::time_until_available(double requests) const {
  using std::chrono::milliseconds;
  milliseconds wait{0};
  const double missing = requests - requests_available_now();
  if (missing > 0 && options_.rate.requests_per_second > 0)
    wait = milliseconds(
        static_cast<std::int64_t>(std::ceil(missing / options_.rate.requests_per_second * 1000.0)));
  if (RequestLedger* ledger = shared_ledger()) {
    try {
      const auto now = clock_.wall_now();
      if (auto until = ledger->blocked_until(options_.product, now))
        wait = std::max(wait, std::chrono::ceil<milliseconds>(*until - now));
    } catch (const std::system_error&) {
      // Read again at the next request, which logs the failure once.
    }
  }
  return wait;
}

RequestLedger* ApiClient::shared_ledger() const {
  return ledger_usable_ ? options_.ledger : nullptr;
}

void ApiClient::ledger_failed(const std::system_error& error) {
  // A full or broken disk must not stop the sync: this process paces itself.
  ledger_usable_ = false;
  log().warn(
      "[{}] the shared request budget cannot be written ({}); this process paces its "
      "own requests from now on",
      to_string(options_.product), error.what());
}

}  // namespace zohosync::connectors
