// The Prometheus text rendering and the health verdict, table-driven.
#include <doctest/doctest.h>

#include "daemon/health.hpp"
#include "daemon/metrics.hpp"

namespace zohosync::daemon {
namespace {

using namespace std::chrono_literals;

TEST_CASE("metrics render in the Prometheus text format") {
  metrics::Registry r;
  r.describe("zohosync_cycles_total", metrics::Type::counter, "Cycles run");
  r.describe("zohosync_conflicts_open", metrics::Type::gauge, "Open conflicts");
  r.describe("zohosync_never_written", metrics::Type::gauge, "Declared only");
  r.add("zohosync_cycles_total", {{"collection", "crm.contacts"}, {"result", "ok"}});
  r.add("zohosync_cycles_total", {{"collection", "crm.contacts"}, {"result", "ok"}}, 2);
  r.add("zohosync_cycles_total", {{"collection", "a\"b\\c\nd"}, {"result", "ok"}});
  int collected = 0;
  r.add_collector([&](metrics::Registry& reg) {
    ++collected;
    reg.set("zohosync_conflicts_open", {}, 4);
  });
  const std::string text = r.render();
  CHECK(collected == 1);
  CHECK(text ==
        "# HELP zohosync_conflicts_open Open conflicts\n"
        "# TYPE zohosync_conflicts_open gauge\n"
        "zohosync_conflicts_open 4\n"
        "# HELP zohosync_cycles_total Cycles run\n"
        "# TYPE zohosync_cycles_total counter\n"
        "zohosync_cycles_total{collection=\"a\\\"b\\\\c\\nd\",result=\"ok\"} 1\n"
        "zohosync_cycles_total{collection=\"crm.contacts\",result=\"ok\"} 3\n"
        "# HELP zohosync_never_written Declared only\n"
        "# TYPE zohosync_never_written gauge\n");
  CHECK(r.value("zohosync_cycles_total", {{"collection", "crm.contacts"}, {"result", "ok"}}) == 3);
  CHECK(r.value("zohosync_cycles_total", {{"collection", "nope"}, {"result", "ok"}}) == 0);
  CHECK_THROWS(r.add("zohosync_typo_total", {}));
}

TEST_CASE("sample values print as Prometheus expects") {
  struct Case {
    double value;
    const char* text;
  };
  const Case cases[] = {
      {0, "0"},       {42, "42"},          {-3, "-3"},
      {0.25, "0.25"}, {1.0 / 0.0, "+Inf"}, {1700000000, "1700000000"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.value);
    CHECK(metrics::format_value(c.value) == c.text);
  }
}

TEST_CASE("health: every collection must have synced within N poll intervals") {
  const std::int64_t start = 1'000'000;
  struct Case {
    const char* name;
    std::int64_t last_success;  // 0 = never
    std::int64_t now;
    bool healthy;
  };
  const Case cases[] = {
      // fresh start: a collection not synced yet is given N intervals
      {"never synced, within the allowance", 0, start + 30'000, true},
      {"never synced, past the allowance", 0, start + 30'001, false},
      // synced: measured from the last success
      {"synced recently", start + 50'000, start + 60'000, true},
      {"synced exactly N intervals ago", start + 50'000, start + 80'000, true},
      {"late", start + 50'000, start + 80'001, false},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    std::vector<CollectionHealth> collections = {{"crm.contacts", 10s, c.last_success},
                                                 {"projects.contacts", 1h, 0}};
    auto verdict = judge_health(collections, 3, start, c.now);
    CHECK(verdict.healthy == c.healthy);
    if (c.healthy) {
      CHECK(verdict.reason == "ok\n");
    } else {
      CHECK(verdict.reason.find("crm.contacts") != std::string::npos);
      CHECK(verdict.reason.find("projects.contacts") == std::string::npos);
    }
  }
}

}  // namespace
}  // namespace zohosync::daemon

namespace zohosync::daemon {

TEST_CASE("metrics: a histogram renders cumulative buckets, +Inf, sum and count") {
  metrics::Registry r;
  r.describe_histogram("zohosync_cycle_duration_seconds", "Cycle durations", {0.5, 2});
  r.observe("zohosync_cycle_duration_seconds", {{"collection", "crm.contacts"}}, 0.2);
  r.observe("zohosync_cycle_duration_seconds", {{"collection", "crm.contacts"}}, 1);
  r.observe("zohosync_cycle_duration_seconds", {{"collection", "crm.contacts"}}, 7);
  CHECK(r.render() ==
        "# HELP zohosync_cycle_duration_seconds Cycle durations\n"
        "# TYPE zohosync_cycle_duration_seconds histogram\n"
        "zohosync_cycle_duration_seconds_bucket{collection=\"crm.contacts\",le=\"0.5\"} 1\n"
        "zohosync_cycle_duration_seconds_bucket{collection=\"crm.contacts\",le=\"2\"} 2\n"
        "zohosync_cycle_duration_seconds_bucket{collection=\"crm.contacts\",le=\"+Inf\"} 3\n"
        "zohosync_cycle_duration_seconds_sum{collection=\"crm.contacts\"} 8.2\n"
        "zohosync_cycle_duration_seconds_count{collection=\"crm.contacts\"} 3\n");

  // One kept elsewhere (an API client's latencies), copied in whole.
  r.describe_histogram("zohosync_api_request_duration_seconds", "Latency", {0.1});
  r.set_histogram("zohosync_api_request_duration_seconds", {{"product", "crm"}}, {{4, 1}, 0.9, 5});
  const std::string text = r.render();
  CHECK(text.find("zohosync_api_request_duration_seconds_bucket{product=\"crm\",le=\"0.1\"} 4\n") !=
        std::string::npos);
  CHECK(
      text.find("zohosync_api_request_duration_seconds_bucket{product=\"crm\",le=\"+Inf\"} 5\n") !=
      std::string::npos);
  CHECK(text.find("zohosync_api_request_duration_seconds_count{product=\"crm\"} 5\n") !=
        std::string::npos);
}

}  // namespace zohosync::daemon
