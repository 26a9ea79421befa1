#include <doctest/doctest.h>

#include <boost/asio/io_context.hpp>

#include "connectors/limits/classify.hpp"
#include "connectors/limits/clock.hpp"
#include "connectors/limits/credit_budget.hpp"
#include "connectors/limits/retry_policy.hpp"
#include "connectors/limits/token_bucket.hpp"
#include "fake_transport.hpp"

using namespace zohosync::connectors;
using namespace zohosync::connectors::test;
using namespace std::chrono_literals;

TEST_CASE("limits: token bucket spaces requests at the configured rate") {
  ManualClock clock;
  TokenBucket bucket({2.0, 3.0}, clock.now());  // 2 per second, bursts of 3
  // The burst goes at once, then one every 500 ms, queued in order of asking.
  CHECK(bucket.reserve(clock.now()) == 0ns);
  CHECK(bucket.reserve(clock.now()) == 0ns);
  CHECK(bucket.reserve(clock.now()) == 0ns);
  CHECK(bucket.reserve(clock.now()) == 500ms);
  CHECK(bucket.reserve(clock.now()) == 1000ms);
  clock.advance(1000ms);  // both reservations are now due; nothing saved up
  CHECK(bucket.reserve(clock.now()) == 500ms);
  // A long pause refills only up to the burst.
  clock.advance(1h);
  for (int i = 0; i < 3; ++i)
    CHECK(bucket.reserve(clock.now()) == 0ns);
  CHECK(bucket.reserve(clock.now()) == 500ms);

  // Over a simulated minute, 100/min lets through 100 + burst and no more.
  TokenBucket per_minute({100.0 / 60.0, 10.0}, clock.now());
  int sent = 0;
  const auto start = clock.now();
  while (true) {
    const auto wait = per_minute.reserve(clock.now());
    if (clock.now() + wait - start >= 60s)
      break;
    ++sent;
  }
  CHECK(sent >= 109);  // the 100th after the burst is due at exactly 60 s
  CHECK(sent <= 110);
}

TEST_CASE("limits: backoff grows exponentially with full jitter inside its bounds") {
  RetryOptions options;
  options.base_delay = 100ms;
  options.max_delay = 1s;
  RetryPolicy policy(options, 42);
  const std::vector<std::chrono::milliseconds> caps = {100ms, 200ms, 400ms, 800ms, 1s, 1s, 1s};
  for (std::size_t i = 0; i < caps.size(); ++i) {
    const int retry = static_cast<int>(i) + 1;
    CAPTURE(retry);
    CHECK(policy.backoff_cap(retry) == caps[i]);
    std::chrono::milliseconds low = caps[i], high = 0ms;
    for (int sample = 0; sample < 200; ++sample) {
      const auto delay = policy.backoff(retry);
      low = std::min(low, delay);
      high = std::max(high, delay);
      REQUIRE(delay >= 0ms);
      REQUIRE(delay <= caps[i]);
    }
    // Full jitter: the draws spread over the whole range.
    CHECK(low <= caps[i] / 4);
    CHECK(high >= caps[i] * 3 / 4);
  }
  CHECK(policy.backoff_cap(1000) == 1s);  // no overflow
}

TEST_CASE("limits: which failures are retried") {
  RetryOptions options;
  options.max_attempts = 3;
  options.max_retry_after = 60s;
  RetryPolicy policy(options, 7);
  using R = Retryability;
  // Refused before processing: retried even for a create.
  CHECK(policy.next_delay(1, R::not_processed, false, std::nullopt).has_value());
  // Maybe processed: only idempotent requests.
  CHECK(policy.next_delay(1, R::maybe_processed, true, std::nullopt).has_value());
  CHECK_FALSE(policy.next_delay(1, R::maybe_processed, false, std::nullopt).has_value());
  CHECK(RetryPolicy::blocked_by_idempotency(R::maybe_processed, false));
  CHECK_FALSE(policy.next_delay(1, R::never, true, std::nullopt).has_value());
  // Attempts are bounded.
  CHECK(policy.next_delay(2, R::not_processed, true, std::nullopt).has_value());
  CHECK_FALSE(policy.next_delay(3, R::not_processed, true, std::nullopt).has_value());
  // Retry-After is honoured exactly, unless it is longer than we wait in one call.
  CHECK(policy.next_delay(1, R::not_processed, true, 7s) == 7000ms);
  CHECK_FALSE(policy.next_delay(1, R::not_processed, true, 61s).has_value());
}

TEST_CASE("limits: Retry-After as seconds or HTTP date") {
  const auto now = std::chrono::system_clock::from_time_t(1445412480);  // 2015-10-21 07:28:00Z
  CHECK(parse_retry_after("120", now) == 120s);
  CHECK(parse_retry_after(" 5 ", now) == 5s);
  CHECK(parse_retry_after("Wed, 21 Oct 2015 07:29:30 GMT", now) == 90s);
  CHECK(parse_retry_after("Wed, 21 Oct 2015 07:00:00 GMT", now) == 0s);
  CHECK_FALSE(parse_retry_after("soon", now).has_value());
  CHECK_FALSE(parse_retry_after("", now).has_value());
}

TEST_CASE("limits: product answers are classified per product") {
  const auto now = std::chrono::system_clock::now();
  struct Case {
    std::string name;
    Product product;
    unsigned status;
    std::string body;
    Outcome outcome;
    ErrorClass error_class;
  };
  const std::vector<Case> cases = {
      {"crm ok", Product::crm, 200, R"({"data":[]})", Outcome::ok, ErrorClass::transient},
      {"crm 207 is the connector's to read", Product::crm, 207,
       R"({"data":[{"code":"DUPLICATE_DATA"}]})", Outcome::ok, ErrorClass::transient},
      {"crm invalid token", Product::crm, 401,
       R"({"code":"INVALID_TOKEN","details":{},"message":"invalid oauth token","status":"error"})",
       Outcome::invalid_token, ErrorClass::configuration},
      {"crm scope mismatch", Product::crm, 401, R"({"code":"OAUTH_SCOPE_MISMATCH"})",
       Outcome::rejected, ErrorClass::configuration},
      {"crm throttled", Product::crm, 429, R"({"code":"TOO_MANY_REQUESTS"})", Outcome::throttled,
       ErrorClass::transient},
      {"crm duplicate", Product::crm, 400, R"({"data":[{"code":"DUPLICATE_DATA"}]})",
       Outcome::rejected, ErrorClass::per_record},
      {"crm no permission", Product::crm, 403, R"({"code":"NO_PERMISSION"})", Outcome::rejected,
       ErrorClass::configuration},
      {"crm server", Product::crm, 500, R"({"code":"INTERNAL_ERROR"})", Outcome::server_error,
       ErrorClass::transient},
      {"inventory 57", Product::inventory, 401,
       R"({"code":57,"message":"You are not authorized to perform this operation"})",
       Outcome::invalid_token, ErrorClass::configuration},
      {"inventory 44 under 200", Product::inventory, 200, R"({"code":44,"message":"..."})",
       Outcome::throttled, ErrorClass::transient},
      {"inventory 1070", Product::inventory, 400, R"({"code":1070})", Outcome::throttled,
       ErrorClass::transient},
      {"inventory success", Product::inventory, 200, R"({"code":0,"message":"success"})",
       Outcome::ok, ErrorClass::transient},
      {"projects 401", Product::projects, 401, "", Outcome::invalid_token,
       ErrorClass::configuration},
      {"projects scope (v3 envelope)", Product::projects, 401,
       R"({"error":{"status_code":"401","title":"OAUTH_SCOPE_MISMATCH"}})", Outcome::rejected,
       ErrorClass::configuration},
      {"projects expired token (v3 envelope)", Product::projects, 401,
       R"({"error":{"status_code":"401","title":"INVALID_OAUTHTOKEN"}})", Outcome::invalid_token,
       ErrorClass::configuration},
      {"crm superseded token", Product::crm, 401, R"({"code":"INVALID_OAUTHTOKEN"})",
       Outcome::invalid_token, ErrorClass::configuration},
      {"projects existing contact", Product::projects, 400,
       R"({"error":{"code":"EXISTING_USER_OR_CONTACT"}})", Outcome::rejected,
       ErrorClass::per_record},
      {"contracts scope", Product::contracts, 401, R"({"code":"OAUTH_SCOPE_MISMATCH"})",
       Outcome::rejected, ErrorClass::configuration},
      {"contracts 404", Product::contracts, 404, R"({"code":"INVALID_URL_PATTERN"})",
       Outcome::rejected, ErrorClass::configuration},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    const auto verdict = classify_response(c.product, respond(c.status, c.body), now);
    CHECK(verdict.outcome == c.outcome);
    if (c.outcome == Outcome::rejected || c.outcome == Outcome::invalid_token)
      CHECK(verdict.error_class == c.error_class);
  }
  const auto daily = classify_response(Product::inventory, respond(200, R"({"code":45})"), now);
  CHECK(daily.outcome == Outcome::throttled);
  CHECK(daily.daily_cap);
  // The code is read where Inventory puts it (first) and, put anywhere else,
  // from the parsed body; a truncated rest does not hide a leading code.
  for (const char* body : {R"( { "code" : 44 , "message":"x", "contact_person":[)",
                           R"({"message":"x","code":44})", R"({"code":"44"})"}) {
    CAPTURE(body);
    CHECK(classify_response(Product::inventory, respond(200, body), now).outcome ==
          Outcome::throttled);
  }
  CHECK(product_code(R"({"code":0,"message":"success","contacts":[]})") == "0");
  CHECK(product_code(R"({"code":0.5})").empty());
  CHECK(product_code(R"({"code":-})").empty());
  const auto retry =
      classify_response(Product::crm, respond(429, "", {{"Retry-After", "30"}}), now);
  CHECK(retry.retry_after == 30s);

  const auto error = error_for(
      Product::crm, respond(400, R"({"data":[{"code":"INVALID_DATA","message":"invalid data"}]})"),
      classify_response(
          Product::crm,
          respond(400, R"({"data":[{"code":"INVALID_DATA","message":"invalid data"}]})"), now));
  CHECK(error.error_class() == ErrorClass::per_record);
  CHECK(error.product_code() == "INVALID_DATA");
  CHECK(std::string(error.what()) == "crm: HTTP 400 INVALID_DATA (invalid data)");
}

TEST_CASE("limits: the CRM credit budget stops writes at its share and says so") {
  ManualClock clock;
  CreditBudget budget({1000, 0.8}, clock);
  CHECK(budget.write_limit() == 800);
  budget.spend(790);
  CHECK(budget.writes_allowed(10));
  CHECK_FALSE(budget.writes_allowed(11));
  budget.check_write(10);
  budget.spend(10);
  try {
    budget.check_write(1);
    FAIL("expected the budget to stop writes");
  } catch (const ConnectorError& error) {
    CHECK(error.error_class() == ErrorClass::transient);
    CHECK(error.product_code() == "CREDIT_BUDGET");
    const std::string message = error.what();
    CHECK(message.find("800 of 1000") != std::string::npos);
    CHECK(message.find("80%") != std::string::npos);
  }
  // A rolling 24 h window: old spending leaves it.
  clock.advance(12h);
  budget.spend(100);
  CHECK(budget.used() == 900);
  clock.advance(12h);
  CHECK(budget.used() == 100);
  CHECK(budget.writes_allowed(700));
  // The server's count (other clients spend from the same allowance) wins when higher.
  budget.observe_remaining(150);
  CHECK(budget.used() == 850);
  budget.spend(5);
  CHECK(budget.used() == 855);
  CHECK_FALSE(budget.writes_allowed());
}
