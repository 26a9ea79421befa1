// GCC 12 reports a false -Wmismatched-new-delete on Asio's coroutine frames.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

#include "tests/connectors/conformance/sandbox_fixture.hpp"

#include <boost/json/serialize.hpp>

#include <algorithm>
#include <stdexcept>

namespace zohosync::connectors::conformance {

namespace json = boost::json;
using namespace std::chrono_literals;

SandboxClock::SandboxClock(sandbox::test::http_client& admin, std::int64_t sandbox_epoch)
    : admin_(admin), wall_(std::chrono::seconds(sandbox_epoch)) {}

boost::asio::awaitable<void> SandboxClock::sleep_for(std::chrono::nanoseconds duration) {
  if (duration <= 0ns)
    co_return;
  advance(duration);
  slept_ += duration;
  pending_ += duration;
  const auto whole = std::chrono::duration_cast<std::chrono::seconds>(pending_);
  if (whole.count() > 0) {
    const std::string body = R"({"advance":)" + std::to_string(whole.count()) + "}";
    const auto reply = admin_.request("POST", "/__sandbox/clock", body);
    if (reply.status != 200)
      throw std::runtime_error("sandbox clock did not advance");
    pending_ -= whole;
  }
  co_return;
}

void SandboxClock::advance(std::chrono::nanoseconds duration) {
  steady_ += duration;
  wall_ += std::chrono::duration_cast<std::chrono::system_clock::duration>(duration);
}

std::string text_of(const json::value& value) {
  if (value.is_string())
    return std::string(value.as_string());
  if (value.is_null())
    return {};
  return json::serialize(value);
}

namespace {

// With Setup::limits the sandbox enforces Zoho's kinds of limits, scaled down
// so that a short test crosses them several times.
constexpr int kInventoryPerMinute = 30;
constexpr int kProjectsPerWindow = 30;  // per the default 120 s window
constexpr int kProjectsWindowSeconds = 120;
constexpr int kCrmConcurrency = 3;

std::vector<std::string> process_args(const Setup& setup) {
  std::vector<std::string> args{"--people", std::to_string(setup.people), "--seed", "7"};
  if (setup.limits) {
    args.insert(args.end(), {"--inventory-per-minute", std::to_string(kInventoryPerMinute),
                             "--projects-per-window", std::to_string(kProjectsPerWindow),
                             "--crm-concurrency", std::to_string(kCrmConcurrency)});
  } else {
    args.emplace_back("--no-limits");
  }
  args.insert(args.end(), setup.args.begin(), setup.args.end());
  return args;
}

// A bucket that cannot send more than `calls` in any window of `seconds`:
// burst + rate * window stays below the count, with a margin for the
// sandbox's whole-second timestamps.
RateLimit within_window(int calls, int seconds) {
  const double burst = std::max(1.0, calls / 4.0);
  return {(calls - burst - 1.0) / seconds, burst};
}

std::int64_t sandbox_epoch(sandbox::test::session& admin) {
  const auto reply = admin.client.get("/__sandbox/clock");
  if (reply.status != 200)
    throw std::runtime_error("no /__sandbox/clock");
  return reply.obj().at("epoch").to_number<std::int64_t>();
}

}  // namespace

SandboxFixture::SandboxFixture(const Setup& setup, Product product, const char* product_name)
    : product_name_(product_name), process_(process_args(setup)), admin_(process_.port()) {
  clock_ = std::make_unique<SandboxClock>(admin_.client, sandbox_epoch(admin_));

  http::HttpClientOptions http_options;
  // Short, so that a hanging answer costs the suite one second.
  http_options.request_timeout = 1s;
  http_options.connect_timeout = 1s;
  http_options.logger = setup.logger;
  http_ = std::make_unique<http::HttpClient>(context_.get_executor(), http_options);

  oauth::OAuthOptions oauth_options;
  oauth_options.accounts_url = info_string("base_url");
  oauth_options.client_id = info_string("client_id");
  oauth_options.client_secret = info_string("client_secret");
  oauth_options.refresh_token = info_string("refresh_token");
  oauth_options.logger = setup.logger;
  tokens_ = std::make_unique<oauth::TokenSource>(*http_, *clock_, oauth_options);

  api_options_ = default_api_options(product);
  if (product == Product::projects || product == Product::contracts)
    api_options_.base_url = info_string("base_url");
  if (!setup.limits) {
    // Limits are off in the sandbox; the buckets would only slow the suite.
    api_options_.rate = {1000.0, 1000.0};
  } else if (product == Product::inventory) {
    api_options_.rate = within_window(kInventoryPerMinute, 60);
    window_limit_ = kInventoryPerMinute;
  } else if (product == Product::projects) {
    api_options_.rate = within_window(kProjectsPerWindow, kProjectsWindowSeconds);
    window_limit_ = kProjectsPerWindow;
  } else if (product == Product::crm) {
    api_options_.max_concurrency = kCrmConcurrency;
  }
  api_options_.retry.base_delay = 20ms;
  api_options_.retry.max_delay = 500ms;
  api_options_.random_seed = 11;
  api_options_.logger = setup.logger;
  api_ = std::make_unique<ApiClient>(*http_, *tokens_, *clock_, api_options_);
}

SandboxFixture::~SandboxFixture() {
  connector_.reset();  // before the ApiClient it holds on to
}

std::string SandboxFixture::info_string(const char* key) const {
  return text_of(admin_.info.at(key));
}

json::object SandboxFixture::dump() {
  return admin_.dump();
}

json::object SandboxFixture::counters() {
  return admin_.client.get("/__sandbox/counters").obj();
}

std::int64_t SandboxFixture::product_requests() {
  const auto all = counters();
  const auto* n = all.at("by_product").as_object().if_contains(product_name_);
  return n ? n->to_number<std::int64_t>() : 0;
}

void SandboxFixture::add_fault(const json::object& rule) {
  const auto reply = admin_.admin_post("faults", json::serialize(rule));
  if (reply.status != 200)
    throw std::runtime_error("fault refused: " + reply.body);
}

void SandboxFixture::clear_faults() {
  if (admin_.client.request("DELETE", "/__sandbox/faults").status != 200)
    throw std::runtime_error("faults not cleared");
}

void SandboxFixture::advance_sandbox(std::chrono::seconds seconds) {
  const std::string body = R"({"advance":)" + std::to_string(seconds.count()) + "}";
  if (admin_.admin_post("clock", body).status != 200)
    throw std::runtime_error("sandbox clock did not advance");
}

void SandboxFixture::advance_both(std::chrono::seconds seconds) {
  advance_sandbox(seconds);
  clock_->advance(seconds);
}

json::object SandboxFixture::edit(json::object body) {
  body["product"] = product_name_;
  const auto reply = admin_.admin_post("edit", json::serialize(body));
  if (reply.status != 200 && reply.status != 201)
    throw std::runtime_error("UI edit refused: " + reply.body);
  const auto answer = reply.obj();
  if (const auto* record = answer.if_contains("record"))
    return record->as_object();
  return answer.at("deleted").as_object();
}

}  // namespace zohosync::connectors::conformance
