#pragma once
// The transport stack the runtime builds for one product (HTTP client, OAuth
// token source, ApiClient) pointed at a running zoho-sandbox, with fast
// retries so that tests of injected faults stay short. The product connector
// tests derive their fixtures from it.

#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "connectors/http/http_client.hpp"
#include "connectors/limits/api_client.hpp"
#include "connectors/limits/clock.hpp"
#include "connectors/oauth/token_source.hpp"
#include "tests/sandbox/test_client.hpp"

namespace zohosync::connectors::test {

// A JSON value as text: strings as they are, anything else (ids sent as
// numbers) serialized.
inline std::string text(const boost::json::value& value) {
  if (value.is_string())
    return std::string(value.as_string());
  return boost::json::serialize(value);
}

struct SandboxStack {
  // `tune` adjusts the ApiClient options after the test defaults are set.
  SandboxStack(sandbox::test::session& admin_in, Product product_in,
               const std::function<void(ApiClientOptions&)>& tune = {})
      : admin(admin_in), product(product_in), client(context.get_executor(), {}) {
    oauth::OAuthOptions oauth_options;
    oauth_options.accounts_url = text(admin.info.at("base_url"));
    oauth_options.client_id = text(admin.info.at("client_id"));
    oauth_options.client_secret = text(admin.info.at("client_secret"));
    oauth_options.refresh_token = text(admin.info.at("refresh_token"));
    tokens = std::make_unique<oauth::TokenSource>(client, clock, oauth_options);
    ApiClientOptions api_options = default_api_options(product);
    if (product == Product::projects || product == Product::contracts)
      api_options.base_url = text(admin.info.at("base_url"));  // hosts of their own
    api_options.rate = {1000.0, 1000.0};
    api_options.retry.base_delay = std::chrono::milliseconds(10);
    api_options.retry.max_delay = std::chrono::milliseconds(50);
    api_options.random_seed = 7;
    if (tune)
      tune(api_options);
    api = std::make_unique<ApiClient>(client, *tokens, clock, api_options);
  }

  // This product's API calls the sandbox counted so far.
  std::int64_t calls() const {
    const auto counters = admin.client.get("/__sandbox/counters").obj();
    const auto* count = counters.at("by_product").as_object().if_contains(to_string(product));
    return count ? count->to_number<std::int64_t>() : 0;
  }

  sandbox::test::session& admin;
  Product product;
  boost::asio::io_context context;
  ManualClock clock;
  http::HttpClient client;
  std::unique_ptr<oauth::TokenSource> tokens;
  std::unique_ptr<ApiClient> api;
};

}  // namespace zohosync::connectors::test
