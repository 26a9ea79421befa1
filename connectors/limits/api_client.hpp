#pragma once
// What the four product connectors send through: the HTTP transport with the
// OAuth header (Authorization: Zoho-oauthtoken X), the product's rate bucket
// and concurrency cap, retries with backoff, one token refresh on an
// invalid-token answer, CRM's credit budget, and errors classified per product.
//
// send() returns every answer the connector must read itself (2xx, 3xx and
// definite 4xx refusals, including 207 partial results); it throws
// ConnectorError for everything the transport handles: network faults,
// throttling and 5xx past the retries, a token the product keeps refusing.
// OutcomeUnknown is thrown instead of retrying a non-idempotent request whose
// fate is unknown: look the record up before creating it again.

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <system_error>

#include "connectors/http/message.hpp"
#include "connectors/http/transport.hpp"
#include "connectors/http/url.hpp"
#include "connectors/limits/classify.hpp"
#include "connectors/limits/clock.hpp"
#include "connectors/limits/concurrency.hpp"
#include "connectors/limits/credit_budget.hpp"
#include "connectors/limits/latency_histogram.hpp"
#include "connectors/limits/request_ledger.hpp"
#include "connectors/limits/retry_policy.hpp"
#include "connectors/limits/token_bucket.hpp"

namespace spdlog {
class logger;
}

namespace zohosync::connectors::oauth {
class TokenSource;
}

namespace zohosync::connectors {

struct ApiClientOptions {
  Product product = Product::crm;
  // Full base URL ("https://www.zohoapis.eu/crm/v8"); overrides api_domain.
  std::string base_url;
  // Appended to the token's api_domain when base_url is empty ("/crm/v8",
  // "/inventory/v1"). Projects and Contracts live on their own hosts and need
  // base_url.
  std::string api_path;
  RateLimit rate;
  std::size_t max_concurrency = 5;
  RetryOptions retry;
  std::optional<CreditBudgetOptions> credit_budget;  // CRM only
  // When set, `rate` is drawn from this ledger, shared with every process on
  // the state dir, and a throttle the product announces binds them all;
  // otherwise from a bucket of this client's own. Must outlive the client.
  RequestLedger* ledger = nullptr;
  std::shared_ptr<spdlog::logger> logger;
  std::uint64_t random_seed = 0;  // 0: random (tests pin it)
};

// Defaults from the Zoho notes (§5): conservative where the numbers are unconfirmed.
ApiClientOptions default_api_options(Product product);

struct ApiRequest {
  std::string method = "GET";
  std::string path;  // relative to the base URL ("/Contacts"), may hold a query
  http::QueryParams query;
  http::Headers headers;
  std::string body;
  // Whether sending twice has the effect of once. Defaults from the method
  // (GET/PUT/DELETE yes, POST no); a keyed upsert may say yes.
  std::optional<bool> idempotent;
  // CRM credits this call costs (1 per call; upserts 1 per 10 records).
  std::int64_t credits = 1;
  // Counts against the write share of the credit budget; default: not GET/HEAD.
  std::optional<bool> is_write;
};

class ApiClient {
 public:
  ApiClient(http::HttpTransport& transport, oauth::TokenSource& tokens, Clock& clock,
            ApiClientOptions options);
  ~ApiClient();
  ApiClient(const ApiClient&) = delete;
  ApiClient& operator=(const ApiClient&) = delete;

  boost::asio::awaitable<http::HttpResponse> send(ApiRequest request);

  // For rejected answers: the classified error a connector throws or records.
  ConnectorError error_for(const http::HttpResponse& response) const;

  const ApiClientOptions& options() const { return options_; }
  const ConcurrencyLimiter& concurrency() const { return concurrency_; }
  CreditBudget* credit_budget() { return budget_.get(); }
  // Counters (tests, metrics).
  std::size_t requests_sent() const { return requests_sent_; }
  std::size_t retries() const { return retries_; }
  // Answers by HTTP status, throttling answers (429 and the products' own
  // rate-limit codes), and requests that got no answer (reset, timeout).
  const std::map<unsigned, std::size_t>& responses_by_status() const {
    return responses_by_status_;
  }
  std::size_t throttled() const { return throttled_; }
  std::size_t transport_failures() const { return transport_failures_; }
  // How long each request took from sending to its whole answer (or failure).
  const LatencyHistogram& latency() const { return latency_; }
  // Requests that may go out now without waiting for the budget (the shared
  // ledger's when there is one, else this client's own bucket's): a listing
  // that may stop early reads only as much as this allows.
  double requests_available_now() const;
  // How long until the budget holds `requests` (0 when it does now), counting
  // a throttle the product announced.
  std::chrono::milliseconds time_until_available(double requests) const;
  // While some request waits for the request budget: until when (the
  // latest such wait). A progress display says so rather than look stuck.
  std::optional<std::chrono::system_clock::time_point> budget_wait_until() const {
    return budget_waits_ > 0 ? std::optional(budget_wait_until_) : std::nullopt;
  }

 private:
  std::string resolve_url(const ApiRequest& request) const;
  spdlog::logger& log() const;

  http::HttpTransport& transport_;
  oauth::TokenSource& tokens_;
  Clock& clock_;
  ApiClientOptions options_;
  TokenBucket bucket_;
  ConcurrencyLimiter concurrency_;
  RetryPolicy retry_;
  std::unique_ptr<CreditBudget> budget_;
  std::size_t requests_sent_ = 0;
  std::size_t retries_ = 0;
  std::map<unsigned, std::size_t> responses_by_status_;
  std::size_t throttled_ = 0;
  // The ledger while it can be read and written; after an I/O error, none.
  RequestLedger* shared_ledger() const;
  void ledger_failed(const std::system_error& error);
  bool ledger_usable_ = true;
  // When a long wait for the request budget was last logged (once a minute).
  std::optional<std::chrono::steady_clock::time_point> budget_wait_logged_;
  std::size_t budget_waits_ = 0;  // requests sleeping for the budget now
  std::chrono::system_clock::time_point budget_wait_until_{};
  std::size_t transport_failures_ = 0;
  LatencyHistogram latency_;
};

}  // namespace zohosync::connectors
