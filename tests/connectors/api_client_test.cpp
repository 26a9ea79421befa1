#include "connectors/limits/api_client.hpp"
#include "connectors/limits/request_ledger.hpp"

#include <doctest/doctest.h>
#include <stdlib.h>

#include <filesystem>
#include <functional>
#include <sstream>

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include "connectors/oauth/token_source.hpp"
#include "fake_transport.hpp"
#include "secrets.hpp"
#include "support.hpp"

namespace asio = boost::asio;
using namespace zohosync::connectors;
using namespace zohosync::connectors::test;
using namespace std::chrono_literals;

namespace {

// A token endpoint plus a product API behind one fake transport: the product
// part is a script the test fills in.
struct Zoho {
  int tokens_issued = 0;
  std::function<http::HttpResponse(const http::HttpRequest&)> api = [](const http::HttpRequest&) {
    return respond(200, R"({"data":[]})");
  };
  std::vector<std::string> api_tokens;  // the access token each API call carried

  http::HttpResponse operator()(const http::HttpRequest& request) {
    if (request.url.find("/oauth/v2/token") != std::string::npos)
      return respond(200, token_json(access_token(++tokens_issued)));
    const auto* authorization = http::find_header(request.headers, "Authorization");
    api_tokens.push_back(authorization ? *authorization : "");
    return api(request);
  }
};

struct Fixture {
  asio::io_context context;
  ManualClock clock;
  Zoho zoho;
  FakeTransport transport{std::ref(zoho)};
  oauth::TokenSource tokens{transport, clock, [] {
                              oauth::OAuthOptions options;
                              options.accounts_url = "https://accounts.zoho.eu";
                              options.client_id = "1000.CLIENTID";
                              options.client_secret = kClientSecret;
                              options.refresh_token = kRefreshToken;
                              return options;
                            }()};

  ApiClientOptions options(Product product) {
    auto options = default_api_options(product);
    options.random_seed = 1;
    options.rate = {1000.0, 1000.0};
    if (product == Product::projects)
      options.base_url = "https://projectsapi.zoho.eu/api/v3";
    return options;
  }

  http::HttpResponse send(ApiClient& client, ApiRequest request) {
    return run(context, client.send(std::move(request)));
  }
};

ApiRequest request(std::string method, std::string path) {
  ApiRequest request;
  request.method = std::move(method);
  request.path = std::move(path);
  return request;
}

template <class Error = ConnectorError>
Error expect_error(Fixture& f, ApiClient& client, ApiRequest r) {
  try {
    f.send(client, std::move(r));
  } catch (const Error& error) {
    return error;
  }
  FAIL("send succeeded but should have failed");
  throw std::logic_error("unreachable");
}

}  // namespace

TEST_CASE("api client: auth header, api_domain, base URL override, query") {
  Fixture f;
  ApiClient crm(f.transport, f.tokens, f.clock, f.options(Product::crm));
  auto r = request("GET", "/Contacts");
  r.query = {{"fields", "Email,Last_Name"}, {"per_page", "200"}};
  CHECK(f.send(crm, r).status == 200);
  // The token answer named the EU api_domain.
  CHECK(f.transport.requests.back().url ==
        "https://www.zohoapis.eu/crm/v8/Contacts?fields=Email%2CLast_Name&per_page=200");
  CHECK(f.zoho.api_tokens.back() == "Zoho-oauthtoken " + access_token(1));

  auto options = f.options(Product::crm);
  options.base_url = "http://127.0.0.1:9/crm/v8/";
  ApiClient overridden(f.transport, f.tokens, f.clock, options);
  f.send(overridden, request("GET", "/Contacts"));
  CHECK(f.transport.requests.back().url == "http://127.0.0.1:9/crm/v8/Contacts");

  ApiClient projects(f.transport, f.tokens, f.clock, f.options(Product::projects));
  f.send(projects, request("GET", "/portal/1/clients"));
  CHECK(f.transport.requests.back().url == "https://projectsapi.zoho.eu/api/v3/portal/1/clients");
  CHECK(f.zoho.tokens_issued == 1);  // one token for every product
}

TEST_CASE("api client: an invalid token is refreshed once, then it is a configuration error") {
  Fixture f;
  SUBCASE("CRM INVALID_TOKEN: refreshed, sent again, succeeds") {
    ApiClient crm(f.transport, f.tokens, f.clock, f.options(Product::crm));
    f.zoho.api = [&](const http::HttpRequest&) {
      if (f.zoho.api_tokens.back() == "Zoho-oauthtoken " + access_token(1))
        return respond(401, R"({"code":"INVALID_TOKEN","message":"invalid oauth token"})");
      return respond(200, "{}");
    };
    CHECK(f.send(crm, request("GET", "/Contacts")).status == 200);
    CHECK(f.zoho.tokens_issued == 2);
    CHECK(f.zoho.api_tokens.size() == 2);
    CHECK(crm.retries() == 0);
  }
  SUBCASE("Inventory code 57 with a fresh token: scope, stop") {
    ApiClient inventory(f.transport, f.tokens, f.clock, f.options(Product::inventory));
    f.zoho.api = [](const http::HttpRequest&) {
      return respond(401,
                     R"({"code":57,"message":"You are not authorized to perform this operation"})");
    };
    const auto error = expect_error(f, inventory, request("GET", "/contacts"));
    CHECK(error.error_class() == ErrorClass::configuration);
    CHECK(error.product_code() == "57");
    CHECK(f.zoho.tokens_issued == 2);  // exactly one refresh
    CHECK(f.zoho.api_tokens.size() == 2);
  }
  SUBCASE("scope mismatch: no refresh, returned to the connector as configuration") {
    ApiClient crm(f.transport, f.tokens, f.clock, f.options(Product::crm));
    f.zoho.api = [](const http::HttpRequest&) {
      return respond(401, R"({"code":"OAUTH_SCOPE_MISMATCH","message":"invalid oauth scope"})");
    };
    const auto response = f.send(crm, request("GET", "/Contacts"));
    CHECK(response.status == 401);
    CHECK(crm.error_for(response).error_class() == ErrorClass::configuration);
    CHECK(f.zoho.tokens_issued == 1);
  }
}

TEST_CASE("api client: 429 and 5xx are retried with backoff, Retry-After honoured") {
  Fixture f;
  ApiClient crm(f.transport, f.tokens, f.clock, f.options(Product::crm));
  int calls = 0;
  SUBCASE("Retry-After") {
    f.zoho.api = [&](const http::HttpRequest&) {
      return ++calls == 1 ? respond(429, R"({"code":"TOO_MANY_REQUESTS"})", {{"Retry-After", "7"}})
                          : respond(200, "{}");
    };
    CHECK(f.send(crm, request("GET", "/Contacts")).status == 200);
    REQUIRE(f.clock.sleeps().size() == 1);
    CHECK(f.clock.sleeps()[0] == 7s);
  }
  SUBCASE("5xx on GET: bounded attempts, each backoff within its cap") {
    f.zoho.api = [&](const http::HttpRequest&) {
      ++calls;
      return respond(503, "busy");
    };
    const auto error = expect_error(f, crm, request("GET", "/Contacts"));
    CHECK(error.error_class() == ErrorClass::transient);
    const auto& retry = crm.options().retry;
    CHECK(calls == retry.max_attempts);
    REQUIRE(f.clock.sleeps().size() == static_cast<std::size_t>(retry.max_attempts - 1));
    RetryPolicy bounds(retry);
    for (std::size_t i = 0; i < f.clock.sleeps().size(); ++i)
      CHECK(f.clock.sleeps()[i] <= bounds.backoff_cap(static_cast<int>(i) + 1));
  }
  SUBCASE("Inventory throttle codes in a 200 body are retried; the daily cap is not") {
    ApiClient inventory(f.transport, f.tokens, f.clock, f.options(Product::inventory));
    f.zoho.api = [&](const http::HttpRequest&) {
      ++calls;
      if (calls == 1)
        return respond(200, R"({"code":44,"message":"per minute"})");
      if (calls == 2)
        return respond(429, R"({"code":1070,"message":"in process"})");
      if (calls == 3)
        return respond(200, R"({"code":0,"message":"success"})");
      return respond(200, R"({"code":45,"message":"daily cap"})");
    };
    CHECK(f.send(inventory, request("GET", "/contacts")).body.find("success") != std::string::npos);
    CHECK(calls == 3);
    const auto error = expect_error(f, inventory, request("GET", "/contacts"));
    CHECK(calls == 4);
    CHECK(error.product_code() == "45");
    CHECK(error.error_class() == ErrorClass::transient);
  }
}

TEST_CASE("api client: a success answer whose JSON does not parse is retried like a 5xx") {
  Fixture f;
  ApiClient crm(f.transport, f.tokens, f.clock, f.options(Product::crm));
  int calls = 0;
  const http::Headers json_type{{"Content-Type", "application/json;charset=UTF-8"}};
  SUBCASE("a GET gets its page on the next attempt") {
    f.zoho.api = [&](const http::HttpRequest&) {
      return ++calls == 1 ? respond(200, R"({"data":[{"id":"1"},{]})", json_type)
                          : respond(200, R"({"data":[]})", json_type);
    };
    CHECK(f.send(crm, request("GET", "/Contacts")).body == R"({"data":[]})");
    CHECK(calls == 2);
    CHECK(crm.retries() == 1);
  }
  SUBCASE("a POST may have taken effect: outcome unknown, not sent again") {
    f.zoho.api = [&](const http::HttpRequest&) {
      ++calls;
      return respond(201, R"({"data":[{"code":"SUCC)", json_type);
    };
    expect_error<OutcomeUnknown>(f, crm, request("POST", "/Contacts"));
    CHECK(calls == 1);
  }
  SUBCASE("a body that does not claim to be JSON is the caller's to read") {
    f.zoho.api = [&](const http::HttpRequest&) {
      ++calls;
      return respond(200, "plain text", {{"Content-Type", "text/plain"}});
    };
    CHECK(f.send(crm, request("GET", "/Contacts")).body == "plain text");
    CHECK(calls == 1);
  }
}

TEST_CASE("api client: a create is never retried blindly") {
  Fixture f;
  ApiClient crm(f.transport, f.tokens, f.clock, f.options(Product::crm));
  int calls = 0;
  SUBCASE("5xx on POST: outcome unknown, the caller looks it up") {
    f.zoho.api = [&](const http::HttpRequest&) {
      ++calls;
      return respond(500, R"({"code":"INTERNAL_ERROR"})");
    };
    const auto error = expect_error<OutcomeUnknown>(f, crm, request("POST", "/Contacts"));
    CHECK(error.error_class() == ErrorClass::transient);
    CHECK(error.product_code() == "OUTCOME_UNKNOWN");
    CHECK(calls == 1);
  }
  SUBCASE("a timeout on POST: outcome unknown") {
    f.zoho.api = [&](const http::HttpRequest&) -> http::HttpResponse {
      ++calls;
      throw http::HttpError(http::FailureKind::timeout, ErrorClass::transient, "timed out");
    };
    expect_error<OutcomeUnknown>(f, crm, request("POST", "/Contacts"));
    CHECK(calls == 1);
  }
  SUBCASE("429 on POST: refused before processing, so retried") {
    f.zoho.api = [&](const http::HttpRequest&) {
      return ++calls == 1 ? respond(429, "{}") : respond(201, "{}");
    };
    CHECK(f.send(crm, request("POST", "/Contacts")).status == 201);
    CHECK(calls == 2);
  }
  SUBCASE("no connection on POST: never sent, so retried") {
    f.zoho.api = [&](const http::HttpRequest&) -> http::HttpResponse {
      if (++calls == 1)
        throw http::HttpError(http::FailureKind::connect, ErrorClass::transient, "refused");
      return respond(201, "{}");
    };
    CHECK(f.send(crm, request("POST", "/Contacts")).status == 201);
  }
  SUBCASE("an upsert keyed by e-mail may say it is idempotent") {
    f.zoho.api = [&](const http::HttpRequest&) {
      return ++calls == 1 ? respond(502, "") : respond(200, "{}");
    };
    auto upsert = request("POST", "/Contacts/upsert");
    upsert.idempotent = true;
    CHECK(f.send(crm, upsert).status == 200);
    CHECK(calls == 2);
  }
  SUBCASE("a configuration failure of the transport is not retried") {
    f.zoho.api = [&](const http::HttpRequest&) -> http::HttpResponse {
      ++calls;
      throw http::HttpError(http::FailureKind::tls, ErrorClass::configuration, "bad cert");
    };
    CHECK(expect_error(f, crm, request("GET", "/Contacts")).error_class() ==
          ErrorClass::configuration);
    CHECK(calls == 1);
  }
}

TEST_CASE("api client: concurrency cap and request rate are obeyed") {
  Fixture f;
  f.transport.yields = 3;
  auto options = f.options(Product::inventory);
  options.max_concurrency = 2;
  options.rate = {2.0, 1.0};  // one every 500 ms
  ApiClient inventory(f.transport, f.tokens, f.clock, options);
  f.send(inventory, request("GET", "/warmup"));  // fetch the token first
  const auto start = f.clock.now();
  int done = 0;
  for (int i = 0; i < 6; ++i)
    asio::co_spawn(f.context, inventory.send(request("GET", "/contacts")),
                   [&](std::exception_ptr error, http::HttpResponse) {
                     if (!error)
                       ++done;
                   });
  f.context.restart();
  f.context.run();
  CHECK(done == 6);
  CHECK(inventory.concurrency().peak() == 2);
  CHECK(f.transport.peak_in_flight <= 2);
  // 7 requests at 2/s with no burst: the last may not leave before 3 s.
  CHECK(f.clock.now() - start >= 3s);
}

TEST_CASE("api client: CRM writes stop at the credit budget, reads go on") {
  Fixture f;
  auto options = f.options(Product::crm);
  options.credit_budget = CreditBudgetOptions{100, 0.5};
  ApiClient crm(f.transport, f.tokens, f.clock, options);
  auto write = request("POST", "/Contacts/upsert");
  write.credits = 10;
  for (int i = 0; i < 5; ++i)
    f.send(crm, write);
  const auto error = expect_error(f, crm, write);
  CHECK(error.product_code() == "CREDIT_BUDGET");
  CHECK(f.zoho.api_tokens.size() == 5);  // the refused write was not sent
  CHECK(f.send(crm, request("GET", "/Contacts")).status == 200);
  // The server's X-API-CREDITS-REMAINING is read.
  f.zoho.api = [](const http::HttpRequest&) {
    return respond(200, "{}", {{"X-API-CREDITS-REMAINING", "10"}});
  };
  f.send(crm, request("GET", "/Contacts"));
  CHECK(crm.credit_budget()->used() == 90);  // the server's count includes that call
}

namespace {

// A ledger file in a directory of its own, removed at the end.
struct LedgerFile {
  LedgerFile() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "zohosync-ledger-XXXXXX").string();
    dir = mkdtemp(pattern.data());
    path = dir / "request_budgets";
  }
  ~LedgerFile() { std::filesystem::remove_all(dir); }
  std::filesystem::path dir, path;
};

}  // namespace

TEST_CASE("request ledger: two processes on one state dir draw from one budget per product") {
  LedgerFile file;
  RequestLedger first(file.path), second(file.path);  // two processes' own handles
  const RateLimit limit{1.0, 3.0};
  const auto t0 = std::chrono::system_clock::time_point(std::chrono::seconds(1'800'000'000));
  // The burst is shared: the second process finds what the first left.
  for (int i = 0; i < 3; ++i)
    CHECK(first.reserve(Product::projects, limit, t0) == 0ms);
  CHECK(second.reserve(Product::projects, limit, t0) == 1000ms);
  CHECK(first.reserve(Product::projects, limit, t0) == 2000ms);
  // Another product's budget is its own.
  CHECK(second.reserve(Product::crm, limit, t0) == 0ms);
  // Over a simulated two minutes, two processes asking in turn get through
  // no more than one process alone would: the burst plus the rate.
  LedgerFile fresh;
  RequestLedger a(fresh.path), b(fresh.path);
  const RateLimit projects{80.0 / 120.0, 5.0};
  int sent = 0;
  auto now = t0;
  for (int i = 0; i < 1000; ++i) {
    const auto wait = (i % 2 == 0 ? a : b).reserve(Product::projects, projects, now);
    if (now + wait - t0 >= 120s)
      break;
    ++sent;
    if (i % 7 == 0)
      now += 500ms;  // time passes unevenly between requests
  }
  CHECK(sent <= 5 + 80);
  CHECK(sent >= 5 + 79);
}

TEST_CASE("request ledger: what the budget holds now, without taking from it") {
  LedgerFile file;
  RequestLedger first(file.path), second(file.path);
  const RateLimit limit{1.0, 3.0};
  const auto t0 = std::chrono::system_clock::time_point(std::chrono::seconds(1'800'000'000));
  CHECK(second.available(Product::projects, limit, t0) == doctest::Approx(3.0));  // never used
  CHECK(first.reserve(Product::projects, limit, t0) == 0ms);
  CHECK(first.reserve(Product::projects, limit, t0) == 0ms);
  CHECK(second.available(Product::projects, limit, t0) == doctest::Approx(1.0));
  CHECK(second.available(Product::projects, limit, t0) == doctest::Approx(1.0));  // took none
  CHECK(second.available(Product::projects, limit, t0 + 1500ms) == doctest::Approx(2.5));
  CHECK(second.available(Product::projects, limit, t0 + 60s) == doctest::Approx(3.0));
  first.block_until(Product::projects, t0 + 10s);
  CHECK(second.available(Product::projects, limit, t0 + 5s) == doctest::Approx(0.0));
  CHECK(second.available(Product::crm, limit, t0) == doctest::Approx(3.0));
}

// A run with the clock a year ahead left its times in the ledger: once the
// clock is right, the budget refills and no throttle outlasts a day.
TEST_CASE("request ledger: times written while the clock was ahead count as now") {
  LedgerFile file;
  RequestLedger ledger(file.path);
  const RateLimit limit{1.0, 3.0};
  const auto right = std::chrono::system_clock::time_point(std::chrono::seconds(1'800'000'000));
  const auto ahead = right + 365 * 24h;
  for (int i = 0; i < 3; ++i)
    CHECK(ledger.reserve(Product::projects, limit, ahead) == 0ms);
  ledger.block_until(Product::projects, ahead + 1800s);
  // The clock set right: a throttle a year away is no throttle, and the
  // budget refills from now on instead of from a year ahead.
  CHECK_FALSE(ledger.blocked_until(Product::projects, right).has_value());
  CHECK(ledger.reserve(Product::projects, limit, right) == 1000ms);  // the burst was spent
  CHECK(ledger.available(Product::projects, limit, right + 3s) == doctest::Approx(2.0));
  CHECK(ledger.reserve(Product::projects, limit, right + 3s) == 0ms);
  // A real throttle (Projects' 30 minutes) still binds.
  ledger.block_until(Product::projects, right + 1800s);
  CHECK(ledger.blocked_until(Product::projects, right + 60s).has_value());
}

TEST_CASE("request ledger: a throttle one process met binds the others, across restarts") {
  LedgerFile file;
  Fixture f;
  RequestLedger first_ledger(file.path);
  auto options = f.options(Product::projects);
  options.retry.max_attempts = 1;
  options.ledger = &first_ledger;
  ApiClient first(f.transport, f.tokens, f.clock, options);
  f.zoho.api = [&](const http::HttpRequest&) {
    return respond(429, R"({"error":{"status_code":"429","title":"TOO_MANY_REQUESTS"}})",
                   {{"Retry-After", "1800"}});
  };
  const auto error = expect_error(f, first, request("GET", "/portal/1/clients"));
  CHECK(error.error_class() == ErrorClass::transient);
  REQUIRE(f.clock.sleeps().empty());

  // Another process, started afterwards: its first request waits for the
  // throttle's end instead of meeting it (on Zoho Projects, a lockout).
  const auto until = read_blocked_until(file.path, Product::projects, f.clock.wall_now());
  REQUIRE(until.has_value());
  CHECK(*until - f.clock.wall_now() == 1800s);
  CHECK_FALSE(read_blocked_until(file.path, Product::crm, f.clock.wall_now()).has_value());
  RequestLedger second_ledger(file.path);
  options.ledger = &second_ledger;
  ApiClient second(f.transport, f.tokens, f.clock, options);
  f.zoho.api = [](const http::HttpRequest&) { return respond(200, "[]"); };
  CHECK(f.send(second, request("GET", "/portal/1/clients")).status == 200);
  REQUIRE(f.clock.sleeps().size() == 1);
  CHECK(f.clock.sleeps()[0] == 1800s);
  CHECK_FALSE(second_ledger.blocked_until(Product::projects, f.clock.wall_now()).has_value());
}

TEST_CASE("api client: a long wait for the request budget is logged, at most once a minute") {
  Fixture f;
  std::ostringstream captured;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(captured);
  auto options = f.options(Product::projects);
  options.rate = {0.1, 1.0};  // one request, then one every 10 s
  options.logger = std::make_shared<spdlog::logger>("capture", sink);
  ApiClient projects(f.transport, f.tokens, f.clock, options);
  for (int i = 0; i < 4; ++i)
    CHECK(f.send(projects, request("GET", "/portal/1/clients")).status == 200);
  const std::string log = captured.str();
  CHECK(log.find("[projects] waiting 10 s for the request budget (6.0 requests/min)") !=
        std::string::npos);
  // Three waits of 10 s within a minute: one line.
  std::size_t lines = 0;
  for (std::size_t at = log.find("waiting"); at != std::string::npos;
       at = log.find("waiting", at + 1))
    ++lines;
  CHECK(lines == 1);
}

namespace {

// A manual clock that lets the test look at the client while it sleeps.
class WatchedClock final : public Clock {
 public:
  std::chrono::steady_clock::time_point now() const override { return inner.now(); }
  std::chrono::system_clock::time_point wall_now() const override { return inner.wall_now(); }
  asio::awaitable<void> sleep_for(std::chrono::nanoseconds duration) override {
    if (on_sleep)
      on_sleep();
    co_await inner.sleep_for(duration);
  }
  std::function<void()> on_sleep;
  ManualClock inner;
};

}  // namespace

TEST_CASE("api client: while a request waits for the budget, the client says until when") {
  Fixture f;
  WatchedClock clock;
  auto options = f.options(Product::projects);
  options.rate = {0.1, 1.0};  // one request, then one every 10 s
  ApiClient projects(f.transport, f.tokens, clock, options);
  std::vector<std::chrono::system_clock::duration> waits;  // until - now, seen while sleeping
  clock.on_sleep = [&] {
    const auto until = projects.budget_wait_until();
    REQUIRE(until.has_value());
    waits.push_back(*until - clock.wall_now());
  };
  CHECK_FALSE(projects.budget_wait_until().has_value());
  for (int i = 0; i < 3; ++i)
    CHECK(f.send(projects, request("GET", "/portal/1/clients")).status == 200);
  CHECK(waits == std::vector<std::chrono::system_clock::duration>{10s, 10s});
  CHECK_FALSE(projects.budget_wait_until().has_value());  // no request waits now
}

TEST_CASE(
    "request ledger: a ledger that cannot be written (a full disk) leaves the process pacing "
    "itself") {
  Fixture f;
  std::ostringstream captured;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(captured);
  RequestLedger full("/dev/full");  // every write fails with ENOSPC
  auto options = f.options(Product::projects);
  options.rate = {1.0, 2.0};
  options.ledger = &full;
  options.logger = std::make_shared<spdlog::logger>("capture", sink);
  ApiClient projects(f.transport, f.tokens, f.clock, options);
  for (int i = 0; i < 4; ++i)
    CHECK(f.send(projects, request("GET", "/portal/1/clients")).status == 200);
  CHECK(captured.str().find("the shared request budget cannot be written") != std::string::npos);
  // Its own bucket paces it: the burst, then one a second.
  CHECK(f.clock.sleeps() == std::vector<std::chrono::nanoseconds>{1s, 1s});
}
