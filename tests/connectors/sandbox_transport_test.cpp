// The transport against the real zoho-sandbox process: the token endpoint,
// token expiry mid-run, endpoint throttling, injected faults and the CRM
// concurrency limit, as a remote client sees them.

#include <doctest/doctest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json/serialize.hpp>

#include "connectors/http/http_client.hpp"
#include "connectors/limits/api_client.hpp"
#include "connectors/oauth/token_source.hpp"
#include "support.hpp"
#include "tests/sandbox/test_client.hpp"

namespace asio = boost::asio;
using namespace zohosync::connectors;
using namespace std::chrono_literals;
using zohosync::connectors::test::run;
using zohosync::sandbox::test::sandbox_process;
using zohosync::sandbox::test::session;

namespace {

std::string info_string(const session& admin, const char* key) {
  return std::string(admin.info.at(key).as_string());
}

// The transport stack pointed at one sandbox.
struct Stack {
  Stack(const session& admin, http::HttpClientOptions http_options = {},
        std::shared_ptr<Clock> clock_in = std::make_shared<ManualClock>())
      : clock(std::move(clock_in)), client(context.get_executor(), http_options) {
    oauth_options.accounts_url = info_string(admin, "base_url");
    oauth_options.client_id = info_string(admin, "client_id");
    oauth_options.client_secret = info_string(admin, "client_secret");
    oauth_options.refresh_token = info_string(admin, "refresh_token");
    tokens = std::make_unique<oauth::TokenSource>(client, *clock, oauth_options);
  }

  ApiClient api(Product product, int max_concurrency = 5) {
    auto options = default_api_options(product);
    options.rate = {1000.0, 1000.0};
    options.max_concurrency = static_cast<std::size_t>(max_concurrency);
    options.retry.base_delay = 20ms;
    options.retry.max_delay = 200ms;
    options.random_seed = 5;
    return ApiClient(client, *tokens, *clock, options);
  }

  http::HttpResponse get(ApiClient& api, std::string path) {
    ApiRequest request;
    request.path = std::move(path);
    return run(context, api.send(std::move(request)));
  }

  asio::io_context context;
  std::shared_ptr<Clock> clock;
  http::HttpClient client;
  oauth::OAuthOptions oauth_options;
  std::unique_ptr<oauth::TokenSource> tokens;
};

constexpr const char* kContacts = "/Contacts?fields=Email,Last_Name&per_page=5";

std::int64_t crm_requests(session& admin) {
  const auto counters = admin.client.get("/__sandbox/counters").obj();
  const auto& by_product = counters.at("by_product").as_object();
  const auto* crm = by_product.if_contains("crm");
  return crm ? crm->to_number<std::int64_t>() : 0;
}

}  // namespace

TEST_CASE("sandbox: token grant, api_domain, and a CRM list through the ApiClient") {
  sandbox_process proc({"--people", "20", "--seed", "3"});
  session admin(proc.port());
  Stack stack(admin);
  ApiClient crm = stack.api(Product::crm);
  const auto response = stack.get(crm, kContacts);
  CHECK(response.status == 200);
  CHECK(response.body.find("\"data\"") != std::string::npos);
  // No base URL configured: the token answer's api_domain was used.
  CHECK(stack.tokens->api_domain() == info_string(admin, "base_url"));
  CHECK(stack.tokens->refreshes() == 1);
  CHECK(crm_requests(admin) == 1);
  stack.get(crm, kContacts);
  CHECK(stack.client.stats().connections_opened == 1);  // token + 2 calls on one connection
}

TEST_CASE("sandbox: a token that expires mid-run is refreshed once") {
  sandbox_process proc({"--people", "20"});
  session admin(proc.port());
  Stack stack(admin);
  ApiClient crm = stack.api(Product::crm);
  ApiClient inventory = stack.api(Product::inventory);
  CHECK(stack.get(crm, kContacts).status == 200);
  // The sandbox's clock passes the hour; ours does not know.
  REQUIRE(admin.admin_post("clock", R"({"advance":3700})").status == 200);
  CHECK(stack.get(crm, kContacts).status == 200);
  CHECK(stack.tokens->refreshes() == 2);
  // The other product shares the new token: no further refresh.
  const std::string org =
      boost::json::serialize(admin.info.at("inventory").as_object().at("organization_id"));
  std::string org_id = org;
  std::erase(org_id, '"');
  CHECK(stack.get(inventory, "/contacts?organization_id=" + org_id).status == 200);
  CHECK(stack.tokens->refreshes() == 2);
}

TEST_CASE("sandbox: token endpoint refusals and throttling") {
  SUBCASE("a wrong refresh token is a configuration error") {
    sandbox_process proc({"--people", "5"});
    session admin(proc.port());
    Stack stack(admin);
    auto options = stack.oauth_options;
    options.refresh_token = "1000.not-the-right-one";
    oauth::TokenSource wrong(stack.client, *stack.clock, options);
    try {
      run(stack.context, wrong.token());
      FAIL("expected a refusal");
    } catch (const ConnectorError& error) {
      CHECK(error.error_class() == ErrorClass::configuration);
    }
  }
  SUBCASE("the endpoint's throttle is a transient error and we stop asking") {
    sandbox_process proc({"--people", "5", "--token-limit", "2"});
    session admin(proc.port());
    Stack stack(admin);
    auto token = run(stack.context, stack.tokens->token());
    token = run(stack.context, stack.tokens->refresh_rejected(token.value));
    CHECK(stack.tokens->refreshes() == 2);
    for (int i = 0; i < 2; ++i) {
      try {
        run(stack.context, stack.tokens->refresh_rejected(token.value));
        FAIL("expected the throttle");
      } catch (const ConnectorError& error) {
        CHECK(error.error_class() == ErrorClass::transient);
        CHECK(error.retry_after().has_value());
      }
    }
    CHECK(stack.tokens->refreshes() == 3);  // the second refusal came from the cooldown
  }
}

TEST_CASE("sandbox: injected faults on reads are retried, a create is not") {
  sandbox_process proc({"--people", "20"});
  session admin(proc.port());
  http::HttpClientOptions http_options;
  http_options.request_timeout = 400ms;
  Stack stack(admin, http_options);
  ApiClient crm = stack.api(Product::crm);
  CHECK(stack.get(crm, kContacts).status == 200);

  for (const std::string kind : {"500", "429", "reset", "truncate", "malformed", "hang"}) {
    CAPTURE(kind);
    const std::string rule =
        R"({"kind":")" + kind +
        R"(","path":"/crm/v8/Contacts","method":"GET","nth":1,"times":1,"ms":1500})";
    REQUIRE(admin.admin_post("faults", rule).status == 200);
    const auto retries_before = crm.retries();
    const auto response = stack.get(crm, kContacts);
    CHECK(response.status == 200);
    if (kind == "reset")
      // A reset before any answer on a kept-alive connection is retried by the
      // HTTP client itself (once, GET only), or by the ApiClient.
      CHECK(crm.retries() <= retries_before + 1);
    else  // a 200 whose JSON body does not parse is retried like a 5xx
      CHECK(crm.retries() == retries_before + 1);
    REQUIRE(admin.client.request("DELETE", "/__sandbox/faults").status == 200);
  }

  REQUIRE(admin.admin_post("faults", R"({"kind":"500","path":"/crm/v8/Contacts","method":"POST"})")
              .status == 200);
  ApiRequest create;
  create.method = "POST";
  create.path = "/Contacts";
  create.body = R"({"data":[{"Last_Name":"Sandbox","Email":"retry-check@example.com"}]})";
  const auto before = crm_requests(admin);
  CHECK_THROWS_AS(run(stack.context, crm.send(create)), OutcomeUnknown);
  CHECK(crm_requests(admin) == before + 1);
}

TEST_CASE("sandbox: the concurrency cap keeps CRM below its limit") {
  sandbox_process proc({"--people", "20", "--crm-concurrency", "2", "--fault",
                        "kind=latency,path=/crm/v8/Contacts,rate=1,ms=150"});
  session admin(proc.port());
  auto clock = std::make_shared<SystemClock>();

  auto fire = [&](int cap, std::size_t& retries, std::size_t& peak) {
    Stack stack(admin, {}, clock);
    ApiClient crm = stack.api(Product::crm, cap);
    run(stack.context, stack.tokens->token());
    int ok = 0;
    for (int i = 0; i < 6; ++i) {
      ApiRequest request;
      request.path = kContacts;
      asio::co_spawn(stack.context, crm.send(std::move(request)),
                     [&](std::exception_ptr error, http::HttpResponse response) {
                       if (!error && response.status == 200)
                         ++ok;
                     });
    }
    stack.context.restart();
    stack.context.run();
    retries = crm.retries();
    peak = crm.concurrency().peak();
    return ok;
  };

  std::size_t retries = 0, peak = 0;
  CHECK(fire(2, retries, peak) == 6);
  CHECK(peak == 2);
  CHECK(retries == 0);  // the sandbox never had to say 429
  // Control: without our cap the sandbox does throttle (how many of the six
  // get through in the retries depends on the jitter).
  CHECK(fire(6, retries, peak) >= 2);
  CHECK(peak > 2);
  CHECK(retries > 0);
}
