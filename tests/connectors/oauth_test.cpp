#include <doctest/doctest.h>
#include <sys/stat.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <fstream>

#include "connectors/http/url.hpp"
#include "connectors/limits/clock.hpp"
#include "connectors/oauth/token_cache.hpp"
#include "connectors/oauth/token_source.hpp"
#include "fake_transport.hpp"
#include "secrets.hpp"
#include "support.hpp"

namespace asio = boost::asio;
using namespace zohosync::connectors;
using namespace zohosync::connectors::test;
using namespace std::chrono_literals;

namespace {

oauth::OAuthOptions options_for(const std::filesystem::path& cache = {}) {
  oauth::OAuthOptions options;
  options.accounts_url = "https://accounts.zoho.eu";
  options.client_id = "1000.CLIENTID";
  options.client_secret = kClientSecret;
  options.refresh_token = kRefreshToken;
  options.cache_file = cache;
  return options;
}

// A token endpoint that hands out access_token(1), access_token(2), ...
struct TokenEndpoint {
  int issued = 0;
  int expires_in = 3600;
  http::HttpResponse operator()(const http::HttpRequest&) {
    return respond(200, token_json(access_token(++issued), expires_in));
  }
};

unsigned file_mode(const std::filesystem::path& path) {
  struct stat info {};
  REQUIRE(::stat(path.c_str(), &info) == 0);
  return info.st_mode & 0777;
}

ConnectorError expect_token_error(asio::io_context& context, oauth::TokenSource& tokens) {
  try {
    run(context, tokens.token());
  } catch (const ConnectorError& error) {
    return error;
  }
  FAIL("token() succeeded but should have failed");
  throw std::logic_error("unreachable");
}

}  // namespace

TEST_CASE("oauth: refresh-token grant, form encoded, api_domain kept, token reused") {
  asio::io_context context;
  ManualClock clock;
  TokenEndpoint endpoint;
  FakeTransport transport(std::ref(endpoint));
  oauth::TokenSource tokens(transport, clock, options_for());

  const auto token = run(context, tokens.token());
  CHECK(token.value == access_token(1));
  CHECK(token.api_domain == "https://www.zohoapis.eu");
  CHECK(tokens.api_domain() == "https://www.zohoapis.eu");
  CHECK(token.expires_at == clock.wall_now() + 3600s);

  REQUIRE(transport.requests.size() == 1);
  const auto& request = transport.requests.front();
  CHECK(request.method == "POST");
  CHECK(request.url == "https://accounts.zoho.eu/oauth/v2/token");
  REQUIRE(request.headers.size() >= 1);
  CHECK(*http::find_header(request.headers, "content-type") == "application/x-www-form-urlencoded");
  CHECK(request.body == "grant_type=refresh_token&client_id=1000.CLIENTID&client_secret=" +
                            std::string(kClientSecret) +
                            "&refresh_token=" + http::percent_encode(kRefreshToken));

  // Still valid: no second request.
  clock.advance(30min);
  CHECK(run(context, tokens.token()).value == access_token(1));
  CHECK(tokens.refreshes() == 1);
}

TEST_CASE("oauth: refreshed shortly before expiry") {
  asio::io_context context;
  ManualClock clock;
  TokenEndpoint endpoint;
  FakeTransport transport(std::ref(endpoint));
  auto options = options_for();
  options.refresh_margin = 5min;
  oauth::TokenSource tokens(transport, clock, options);

  CHECK(run(context, tokens.token()).value == access_token(1));
  clock.advance(54min);  // 6 min left: still good
  CHECK(run(context, tokens.token()).value == access_token(1));
  clock.advance(2min);  // 4 min left: inside the margin
  CHECK(run(context, tokens.token()).value == access_token(2));
  CHECK(tokens.refreshes() == 2);
}

TEST_CASE("oauth: the cache file is 0600 and spares a refresh after a restart") {
  TempDir dir;
  const auto cache = dir.path() / "state" / "oauth-token.json";
  asio::io_context context;
  ManualClock clock;
  TokenEndpoint endpoint;
  FakeTransport transport(std::ref(endpoint));
  {
    oauth::TokenSource tokens(transport, clock, options_for(cache));
    CHECK(run(context, tokens.token()).value == access_token(1));
  }
  REQUIRE(std::filesystem::exists(cache));
  CHECK(file_mode(cache) == 0600);
  // No temporary files left next to it.
  CHECK(std::distance(std::filesystem::directory_iterator(cache.parent_path()),
                      std::filesystem::directory_iterator()) == 1);

  clock.advance(10min);
  {
    oauth::TokenSource restarted(transport, clock, options_for(cache));
    const auto token = run(context, restarted.token());
    CHECK(token.value == access_token(1));
    CHECK(token.api_domain == "https://www.zohoapis.eu");
    CHECK(restarted.refreshes() == 0);
  }
  CHECK(transport.requests.size() == 1);

  SUBCASE("other credentials ignore the file") {
    auto options = options_for(cache);
    options.refresh_token = "1000.another-refresh-token";
    oauth::TokenSource other(transport, clock, options);
    CHECK(run(context, other.token()).value == access_token(2));
  }
  SUBCASE("a file readable by others is not trusted") {
    REQUIRE(::chmod(cache.c_str(), 0644) == 0);
    oauth::TokenSource loose(transport, clock, options_for(cache));
    CHECK(run(context, loose.token()).value == access_token(2));
    CHECK(file_mode(cache) == 0600);  // rewritten privately
  }
  SUBCASE("an expired cached token is refreshed") {
    clock.advance(2h);
    oauth::TokenSource later(transport, clock, options_for(cache));
    CHECK(run(context, later.token()).value == access_token(2));
  }
  SUBCASE("a corrupt file is ignored") {
    std::ofstream(cache) << "{not json";
    REQUIRE(::chmod(cache.c_str(), 0600) == 0);
    oauth::TokenSource corrupt(transport, clock, options_for(cache));
    CHECK(run(context, corrupt.token()).value == access_token(2));
  }
}

TEST_CASE("oauth: a refused token is refreshed once, not once per caller") {
  asio::io_context context;
  ManualClock clock;
  TokenEndpoint endpoint;
  FakeTransport transport(std::ref(endpoint));
  oauth::TokenSource tokens(transport, clock, options_for());

  const auto first = run(context, tokens.token());
  CHECK(run(context, tokens.refresh_rejected(first.value)).value == access_token(2));
  // A second caller that also held the old token gets the new one, no refresh.
  CHECK(run(context, tokens.refresh_rejected(first.value)).value == access_token(2));
  CHECK(tokens.refreshes() == 2);
  CHECK(run(context, tokens.token()).value == access_token(2));
}

TEST_CASE("oauth: concurrent callers share one refresh in flight") {
  asio::io_context context;
  ManualClock clock;
  TokenEndpoint endpoint;
  FakeTransport transport(std::ref(endpoint));
  transport.yields = 5;
  oauth::TokenSource tokens(transport, clock, options_for());

  std::vector<std::string> seen;
  int failures = 0;
  for (int i = 0; i < 8; ++i)
    asio::co_spawn(context, tokens.token(),
                   [&](std::exception_ptr error, oauth::AccessToken token) {
                     if (error)
                       ++failures;
                     else
                       seen.push_back(token.value);
                   });
  context.run();
  CHECK(failures == 0);
  CHECK(seen == std::vector<std::string>(8, access_token(1)));
  CHECK(transport.requests.size() == 1);

  SUBCASE("and share its failure") {
    FakeTransport failing(
        [](const http::HttpRequest&) { return respond(200, R"({"error":"invalid_client"})"); });
    failing.yields = 5;
    oauth::TokenSource refused(failing, clock, options_for());
    int configuration_errors = 0;
    for (int i = 0; i < 4; ++i)
      asio::co_spawn(context, refused.token(), [&](std::exception_ptr error, oauth::AccessToken) {
        try {
          if (error)
            std::rethrow_exception(error);
        } catch (const ConnectorError& e) {
          if (e.error_class() == ErrorClass::configuration)
            ++configuration_errors;
        }
      });
    context.restart();
    context.run();
    CHECK(configuration_errors == 4);
    CHECK(failing.requests.size() == 1);
  }
}

TEST_CASE("oauth: errors from the token endpoint are read from the body") {
  struct Case {
    std::string name;
    unsigned status;
    std::string body;
    ErrorClass expected;
    bool throttled;
  };
  const std::vector<Case> cases = {
      // Wrong client id or secret, with HTTP 200: the user must fix the config.
      {"invalid_client under 200", 200, R"({"error":"invalid_client"})", ErrorClass::configuration,
       false},
      // Revoked or expired refresh token: authorise again.
      {"invalid_code under 200", 200, R"({"error":"invalid_code"})", ErrorClass::configuration,
       false},
      {"invalid_grant under 400", 400, R"({"error":"invalid_grant"})", ErrorClass::configuration,
       false},
      // The endpoint's 10-per-10-minutes throttle: wait.
      {"throttle under 200", 200,
       R"({"error_description":"You have made too many requests continuously. Please try again after some time.","error":"Access Denied","status":"failure"})",
       ErrorClass::transient, true},
      {"throttle as HTML", 400, "<html><body>Access Denied</body></html>", ErrorClass::transient,
       true},
      // Outages and junk: the next cycle tries again.
      {"server error", 503, "upstream unavailable", ErrorClass::transient, false},
      {"200 without a token", 200, R"({"status":"ok"})", ErrorClass::transient, false},
      {"unknown error under 200", 200, R"({"error":"something_new"})", ErrorClass::transient,
       false},
      {"unknown error under 400", 400, R"({"error":"something_new"})", ErrorClass::configuration,
       false},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    asio::io_context context;
    ManualClock clock;
    FakeTransport transport([&](const http::HttpRequest&) { return respond(c.status, c.body); });
    oauth::TokenSource tokens(transport, clock, options_for());
    const auto error = expect_token_error(context, tokens);
    CHECK(error.error_class() == c.expected);
    CHECK(error.retry_after().has_value() == c.throttled);
    if (c.throttled) {
      // Cooling down: the endpoint is not asked again before the window passes.
      CHECK(expect_token_error(context, tokens).error_class() == ErrorClass::transient);
      CHECK(transport.requests.size() == 1);
      clock.advance(11min);
      expect_token_error(context, tokens);
      CHECK(transport.requests.size() == 2);
    }
  }
}

TEST_CASE("oauth: our own cap on token requests stops a refresh storm") {
  asio::io_context context;
  ManualClock clock;
  TokenEndpoint endpoint;
  FakeTransport transport(std::ref(endpoint));
  auto options = options_for();
  options.max_refreshes_per_window = 3;
  oauth::TokenSource tokens(transport, clock, options);
  auto token = run(context, tokens.token());
  token = run(context, tokens.refresh_rejected(token.value));
  token = run(context, tokens.refresh_rejected(token.value));
  CHECK(tokens.refreshes() == 3);
  try {
    run(context, tokens.refresh_rejected(token.value));
    FAIL("expected the refresh cap");
  } catch (const ConnectorError& error) {
    CHECK(error.error_class() == ErrorClass::transient);
    CHECK(error.product_code() == "REFRESH_LIMIT");
    CHECK(error.retry_after().has_value());
  }
  clock.advance(11min);
  CHECK(run(context, tokens.token()).value == access_token(4));
}

TEST_CASE("oauth: expiry in milliseconds and trailing slashes are tolerated") {
  asio::io_context context;
  ManualClock clock;
  FakeTransport transport([](const http::HttpRequest&) {
    return respond(
        200,
        R"({"access_token":"x","expires_in_sec":3600000,"api_domain":"https://www.zohoapis.com/"})");
  });
  oauth::TokenSource tokens(transport, clock, options_for());
  const auto token = run(context, tokens.token());
  CHECK(token.expires_at == clock.wall_now() + 3600s);
  CHECK(token.api_domain == "https://www.zohoapis.com");
}
