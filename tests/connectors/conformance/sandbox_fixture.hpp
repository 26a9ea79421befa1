#pragma once
// The common half of every Zoho fixture: a zoho-sandbox process, its admin
// API (UI edits, faults, clock, counters), and the transport stack the
// product's connector runs on (HttpClient, TokenSource, ApiClient), built the
// way the runtime builds it. A product fixture adds the connector and says
// how its collection maps onto the sandbox's records.

#include <boost/json/object.hpp>

#include <chrono>
#include <memory>
#include <string>

#include "connectors/http/http_client.hpp"
#include "connectors/limits/api_client.hpp"
#include "connectors/limits/clock.hpp"
#include "connectors/oauth/token_source.hpp"
#include "tests/connectors/conformance/fixture.hpp"
#include "tests/sandbox/test_client.hpp"

namespace zohosync::connectors::conformance {

// Our side's clock for the sandbox tests: time moves only when someone sleeps
// (the sleep returns at once), and every sleep also moves the sandbox's clock
// by as much, so the sandbox's rate windows see the spacing our rate buckets
// chose without the test waiting for it.
class SandboxClock final : public Clock {
 public:
  SandboxClock(sandbox::test::http_client& admin, std::int64_t sandbox_epoch);
  std::chrono::steady_clock::time_point now() const override { return steady_; }
  std::chrono::system_clock::time_point wall_now() const override { return wall_; }
  boost::asio::awaitable<void> sleep_for(std::chrono::nanoseconds duration) override;
  // Moves our clock only (the sandbox's has its own admin call).
  void advance(std::chrono::nanoseconds duration);
  std::chrono::nanoseconds slept() const { return slept_; }

 private:
  sandbox::test::http_client& admin_;
  std::chrono::steady_clock::time_point steady_{std::chrono::hours(1000)};
  std::chrono::system_clock::time_point wall_;
  std::chrono::nanoseconds pending_{0};  // slept but not yet passed on (under a second)
  std::chrono::nanoseconds slept_{0};
};

// A call the connector makes: the fault rules' method and path.
struct Route {
  std::string method;
  std::string path;
};

class SandboxFixture : public Fixture {
 public:
  ~SandboxFixture() override;
  const Capabilities& caps() const override { return caps_; }
  Connector& connector() override { return *connector_; }
  boost::asio::io_context& context() override { return context_; }
  SandboxFixture* sandbox() override { return this; }

  // The first call of a full listing (faults on reads go there) and the
  // call that writes an update of `record`.
  virtual Route read_route() = 0;
  virtual Route write_route(const Record& record) = 0;

  // ---- admin API ----
  boost::json::object dump();
  boost::json::object counters();
  // Calls of this fixture's product the sandbox has answered.
  std::int64_t product_requests();
  void add_fault(const boost::json::object& rule);
  void clear_faults();
  // The product's clock only: our side does not know (token expiry).
  void advance_sandbox(std::chrono::seconds seconds);
  // Both clocks: time really passed (throttle cooldowns).
  void advance_both(std::chrono::seconds seconds);

  ApiClient& api() { return *api_; }
  oauth::TokenSource& tokens() { return *tokens_; }
  SandboxClock& clock() { return *clock_; }
  const boost::json::object& info() const { return admin_.info; }
  std::string info_string(const char* key) const;
  const ApiClientOptions& api_options() const { return api_options_; }
  // The retries one idempotent call gets (the fault counts that exhaust them).
  int max_attempts() const { return api_options_.retry.max_attempts; }
  // With Setup::limits: the calls the sandbox admits per rate window of this
  // product (0: no request-rate limit, e.g. Contracts).
  int window_limit() const { return window_limit_; }

 protected:
  SandboxFixture(const Setup& setup, Product product, const char* product_name);

  // A UI edit through POST /__sandbox/edit; returns the stored record.
  boost::json::object edit(boost::json::object body);

  Capabilities caps_;
  std::unique_ptr<Connector> connector_;
  std::string product_name_;

 private:
  sandbox::test::sandbox_process process_;
  sandbox::test::session admin_;
  boost::asio::io_context context_;
  std::unique_ptr<SandboxClock> clock_;
  std::unique_ptr<http::HttpClient> http_;
  std::unique_ptr<oauth::TokenSource> tokens_;
  ApiClientOptions api_options_;
  std::unique_ptr<ApiClient> api_;
  int window_limit_ = 0;
};

// A JSON value as our records carry it: strings as is, numbers as text, null "".
std::string text_of(const boost::json::value& value);

}  // namespace zohosync::connectors::conformance
