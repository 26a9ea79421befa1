// No secret (client secret, refresh token, access token) may appear in any
// log line at any level or in any error message: drive success and every
// failure path over real sockets with all logging on, then search.

#include <doctest/doctest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <boost/asio/io_context.hpp>

#include <cstdlib>
#include <iostream>
#include <mutex>
#include <sstream>

#include "connectors/http/http_client.hpp"
#include "connectors/limits/api_client.hpp"
#include "connectors/oauth/token_source.hpp"
#include "fake_transport.hpp"
#include "secrets.hpp"
#include "support.hpp"
#include "test_server.hpp"

namespace asio = boost::asio;
using namespace zohosync::connectors;
using namespace zohosync::connectors::test;

namespace {

// Every secret the tests use contains this marker.
constexpr const char* kMarker = "SECRET";

// What the loopback server plays: the token endpoint and a CRM API.
struct Script {
  std::mutex mutex;
  std::string token_answer = "fresh";  // "fresh" or a literal body
  unsigned token_status = 200;
  std::string api_mode = "ok";  // ok, invalid-once, invalid-always, busy, broken
  int issued = 0;
  std::string last_token_seen;
};

TestResponse play(Script& script, const TestRequest& request) {
  std::lock_guard lock(script.mutex);
  TestResponse response;
  if (request.target == "/oauth/v2/token") {
    response.status = script.token_status;
    response.body = script.token_answer == "fresh"
                        ? token_json(access_token(++script.issued), 3600, "http://127.0.0.1:1")
                        : script.token_answer;
    return response;
  }
  const auto* authorization = request.header("Authorization");
  const std::string token = authorization ? *authorization : "";
  const bool first_token = token == "Zoho-oauthtoken " + access_token(1);
  script.last_token_seen = token;
  if (script.api_mode == "invalid-always" || (script.api_mode == "invalid-once" && first_token)) {
    response.status = 401;
    response.body =
        R"({"code":"INVALID_TOKEN","details":{},"message":"invalid oauth token","status":"error"})";
  } else if (script.api_mode == "busy") {
    response.status = 503;
    response.body = "busy";
  } else if (script.api_mode == "broken") {
    response.status = 500;
    response.body = R"({"code":"INTERNAL_ERROR","message":"internal error"})";
  } else {
    response.body = R"({"data":[{"Email":"a@example.com"}]})";
    response.gzip = true;
  }
  return response;
}

}  // namespace

TEST_CASE("secrets never appear in logs or error messages") {
  std::ostringstream captured;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(captured);
  auto logger = std::make_shared<spdlog::logger>("capture", sink);
  logger->set_level(spdlog::level::trace);
  logger->flush_on(spdlog::level::trace);
  const auto previous = spdlog::default_logger();
  spdlog::set_default_logger(logger);
  std::vector<std::string> messages;  // every error message we saw

  {
    TempDir dir;
    Script script;
    TestServer server([&](const TestRequest& request) { return play(script, request); });
    asio::io_context context;
    ManualClock clock;

    http::HttpClientOptions http_options;
    http_options.logger = logger;
    http::HttpClient client(context.get_executor(), http_options);

    oauth::OAuthOptions oauth_options;
    oauth_options.accounts_url = server.url();
    oauth_options.client_id = "1000.CLIENTID";
    oauth_options.client_secret = kClientSecret;
    oauth_options.refresh_token = kRefreshToken;
    oauth_options.cache_file = dir.path() / "token.json";
    oauth_options.max_refreshes_per_window = 100;
    oauth_options.logger = logger;
    auto tokens = std::make_unique<oauth::TokenSource>(client, clock, oauth_options);

    auto api_options = default_api_options(Product::crm);
    api_options.base_url = server.url() + "/crm/v8";
    api_options.rate = {1000.0, 1000.0};
    api_options.logger = logger;
    api_options.random_seed = 3;
    ApiClient crm(client, *tokens, clock, api_options);

    auto call = [&](const std::string& method, const std::string& mode) {
      {
        std::lock_guard lock(script.mutex);
        script.api_mode = mode;
      }
      ApiRequest request;
      request.method = method;
      request.path = "/Contacts";
      request.query = {{"email", "a@example.com"}};
      try {
        run(context, crm.send(std::move(request)));
      } catch (const std::exception& error) {
        messages.emplace_back(error.what());
      }
    };
    auto script_token_endpoint = [&](unsigned status, const std::string& body) {
      std::lock_guard lock(script.mutex);
      script.token_status = status;
      script.token_answer = body;
    };

    // Success, a refused token refreshed once, refused for good, 5xx retried
    // on GET, 5xx on POST (outcome unknown).
    call("GET", "ok");
    call("GET", "invalid-once");
    call("GET", "invalid-always");
    call("GET", "busy");
    call("POST", "broken");
    CHECK(messages.size() == 3);
    // A restart reads the cache file.
    tokens = std::make_unique<oauth::TokenSource>(client, clock, oauth_options);

    // Every failure of the token endpoint.
    const auto current = run(context, tokens->token());
    for (
        const auto& [status, body] : std::vector<std::pair<unsigned, std::string>>{
            {200, R"({"error":"invalid_client"})"},
            {200, R"({"error":"invalid_code"})"},
            {400, R"({"error":"invalid_grant","error_description":"bad"})"},
            {200, R"({"error":"something_new"})"},
            {503, "<html>down</html>"},
            {200, R"({"status":"ok"})"},
            {200,
             R"({"error_description":"You have made too many requests continuously.","error":"Access Denied"})"},
        }) {
      script_token_endpoint(status, body);
      // The product refused the token: every case reaches the endpoint.
      try {
        run(context, tokens->refresh_rejected(current.value));
      } catch (const std::exception& error) {
        messages.emplace_back(error.what());
      }
      tokens = std::make_unique<oauth::TokenSource>(client, clock, [&] {
        auto fresh = oauth_options;
        fresh.cache_file.clear();
        return fresh;
      }());
    }

    // Our own refresh cap.
    script_token_endpoint(200, "fresh");
    auto capped_options = oauth_options;
    capped_options.cache_file.clear();
    capped_options.max_refreshes_per_window = 1;
    oauth::TokenSource capped(client, clock, capped_options);
    const auto one = run(context, capped.token());
    try {
      run(context, capped.refresh_rejected(one.value));
    } catch (const std::exception& error) {
      messages.emplace_back(error.what());
    }

    // The cache file cannot be written (its directory is a file).
    auto unwritable = oauth_options;
    unwritable.cache_file = oauth_options.cache_file / "token.json";
    oauth::TokenSource no_cache(client, clock, unwritable);
    run(context, no_cache.token());

    // The token endpoint cannot be reached at all.
    auto unreachable = oauth_options;
    unreachable.cache_file.clear();
    unreachable.accounts_url = "http://127.0.0.1:1";
    oauth::TokenSource offline(client, clock, unreachable);
    try {
      run(context, offline.token());
    } catch (const std::exception& error) {
      messages.emplace_back(error.what());
    }
    // And plain http to a real host is refused.
    unreachable.accounts_url = "http://accounts.zoho.com";
    oauth::TokenSource insecure(client, clock, unreachable);
    try {
      run(context, insecure.token());
    } catch (const std::exception& error) {
      messages.emplace_back(error.what());
    }
  }
  spdlog::set_default_logger(previous);

  const std::string logs = captured.str();
  if (std::getenv("ZOHOSYNC_SHOW_LOGS")) {
    std::cout << logs;
    for (const auto& message : messages)
      std::cout << "error: " << message << "\n";
  }
  // The run really went through the paths: request lines, refreshes, retries,
  // warnings and errors were all logged.
  CHECK(logs.find("[http] GET") != std::string::npos);
  CHECK(logs.find("[oauth] access token refreshed") != std::string::npos);
  CHECK(logs.find("refreshing once") != std::string::npos);
  CHECK(logs.find("retry 1 of") != std::string::npos);
  CHECK(logs.find("invalid_client") != std::string::npos);
  CHECK(logs.find("throttled") != std::string::npos);
  CHECK(logs.find("cannot write token cache") != std::string::npos);
  CHECK(messages.size() >= 12);

  CHECK(logs.find(kMarker) == std::string::npos);
  CHECK(logs.find("Zoho-oauthtoken") == std::string::npos);
  for (const auto& message : messages) {
    CAPTURE(message);
    CHECK(message.find(kMarker) == std::string::npos);
  }
}
