// Injected faults (each kind) and the per-product rate limits.
#include "tests/sandbox/test_client.hpp"

#include <doctest/doctest.h>
#include <boost/json/serialize.hpp>

#include <chrono>
#include <thread>

using namespace zohosync::sandbox::test;
namespace json = boost::json;

namespace {

const std::string kList = "/crm/v8/Contacts?fields=Last_Name";

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

long count_of(session& s, const std::string& method, const std::string& path) {
  auto c = s.client.get("/__sandbox/counters").obj();
  for (const auto& e : c.at("requests").as_array()) {
    if (e.at("method") == method.c_str() && e.at("path") == path.c_str()) {
      return static_cast<long>(e.at("count").as_int64());
    }
  }
  return 0;
}

}  // namespace

TEST_CASE("faults: 500 on the Nth call of a path, in the product's own error body") {
  sandbox_process proc({"--people", "20", "--fault", "kind=500,path=/crm/v8/Contacts,nth=2"});
  session s(proc.port());
  CHECK(s.client.get(kList, s.auth()).status == 200);
  auto second = s.client.get(kList, s.auth());
  CHECK(second.status == 500);
  CHECK(second.obj().at("code") == "INTERNAL_ERROR");
  CHECK(second.obj().at("status") == "error");
  CHECK(s.client.get(kList, s.auth()).status == 200);  // fires once by default

  // Inventory's 500 uses its code/message envelope.
  REQUIRE(s.admin_post("faults", R"({"kind":"500","path":"/inventory/v1/*"})").status == 200);
  auto inv = s.client.get(s.inv("/contacts"), s.auth());
  CHECK(inv.status == 500);
  CHECK(inv.obj().at("code").as_int64() != 0);
}

TEST_CASE("faults: 429, reset, truncated body and malformed JSON") {
  sandbox_process proc({"--people", "20"});
  session s(proc.port());
  s.token();
  REQUIRE(s.admin_post("faults", R"({"rules":[
      {"kind":"429","path":"/crm/v8/Contacts","times":1},
      {"kind":"reset","path":"/crm/v8/Contacts/roles","times":1},
      {"kind":"truncate","path":"/api/v1/counterparties","times":1},
      {"kind":"malformed","path":"/inventory/v1/contacts","times":1}]})")
              .status == 200);
  auto throttled = s.client.get(kList, s.auth());
  CHECK(throttled.status == 429);
  CHECK(throttled.obj().at("code") == "TOO_MANY_REQUESTS");

  auto reset = s.client.get("/crm/v8/Contacts/roles", s.auth());
  CHECK(reset.result == outcome::reset);
  CHECK(s.client.get("/crm/v8/Contacts/roles", s.auth()).status == 200);

  auto cut = s.client.get("/api/v1/counterparties", s.auth());
  CHECK(cut.result == outcome::truncated);
  CHECK(cut.body.size() < std::stoul(cut.headers.at("content-length")));
  CHECK(s.client.get("/api/v1/counterparties", s.auth()).result == outcome::ok);

  auto bad = s.client.get(s.inv("/contacts"), s.auth());
  CHECK(bad.status == 200);
  CHECK(!bad.parses());
  CHECK(s.client.get(s.inv("/contacts"), s.auth()).parses());

  auto rules = s.client.get("/__sandbox/faults").obj().at("rules").as_array();
  CHECK(rules.size() == 4);
  for (const auto& r : rules)
    CHECK(r.at("fired").as_int64() == 1);
  CHECK(s.client.request("DELETE", "/__sandbox/faults").obj().at("rules").as_array().empty());
}

TEST_CASE("faults: a hang outlasts the client timeout without blocking other connections") {
  sandbox_process proc({"--people", "20", "--fault", "kind=hang,path=/crm/v8/Contacts,ms=3000"});
  session s(proc.port());
  std::string auth = s.auth()[0].second;
  http_client slow(proc.port(), 1000);
  auto started = std::chrono::steady_clock::now();
  auto hung = slow.get(kList, {{"Authorization", auth}});
  CHECK(hung.result == outcome::timeout);
  CHECK(seconds_since(started) < 2.5);
  // While that connection is still held, another one is served at once.
  auto quick_start = std::chrono::steady_clock::now();
  CHECK(s.client.get("/crm/v8/Contacts/roles", s.auth()).status == 200);
  CHECK(seconds_since(quick_start) < 0.5);
}

TEST_CASE("faults: latency at a rate delays the answer") {
  sandbox_process proc({"--people", "5", "--fault", "kind=latency,path=/api/v1/*,rate=1,ms=300"});
  session s(proc.port());
  s.token();
  auto started = std::chrono::steady_clock::now();
  CHECK(s.client.get("/api/v1/counterparties", s.auth()).status == 200);
  CHECK(seconds_since(started) >= 0.3);
}

TEST_CASE("limits: CRM concurrency and daily credits answer 429 TOO_MANY_REQUESTS") {
  SUBCASE("concurrency") {
    sandbox_process proc({"--people", "5", "--crm-concurrency", "1", "--fault",
                          "kind=latency,path=/crm/v8/Contacts/roles,ms=1500"});
    session s(proc.port());
    std::string auth = s.auth()[0].second;
    http_reply first;
    std::thread slow([&] {
      http_client c(proc.port());
      first = c.get("/crm/v8/Contacts/roles", {{"Authorization", auth}});
    });
    // Wait (bounded) until the slow call has been admitted, then a second one
    // exceeds the concurrency of 1.
    for (int i = 0; i < 200 && count_of(s, "GET", "/crm/v8/Contacts/roles") == 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    auto second = s.client.get(kList, s.auth());
    slow.join();
    CHECK(first.status == 200);
    CHECK(second.status == 429);
    CHECK(second.obj().at("code") == "TOO_MANY_REQUESTS");
    CHECK(s.client.get(kList, s.auth()).status == 200);
  }
  SUBCASE("credits per rolling 24 h") {
    sandbox_process proc({"--people", "5", "--crm-credits", "3"});
    session s(proc.port());
    for (int i = 0; i < 3; ++i)
      CHECK(s.client.get(kList, s.auth()).status == 200);
    CHECK(s.client.get(kList, s.auth()).status == 429);
    REQUIRE(s.admin_post("clock", R"({"advance":86401})").status == 200);
    // The token expired meanwhile; a fresh one is needed.
    s.token_.clear();
    CHECK(s.client.get(kList, s.auth()).status == 200);
  }
}

TEST_CASE("limits: Inventory per-minute limit answers code 44 with 429") {
  sandbox_process proc({"--people", "5", "--inventory-per-minute", "3"});
  session s(proc.port());
  for (int i = 0; i < 3; ++i)
    CHECK(s.client.get(s.inv("/users"), s.auth()).status == 200);
  auto over = s.client.get(s.inv("/users"), s.auth());
  CHECK(over.status == 429);
  CHECK(over.obj().at("code").as_int64() == 44);
  REQUIRE(s.admin_post("clock", R"({"advance":61})").status == 200);
  CHECK(s.client.get(s.inv("/users"), s.auth()).status == 200);
  // The counters tell a refusal by the limits from an injected 429.
  REQUIRE(s.admin_post("faults", R"({"kind":"429","path":"*","nth":1})").status == 200);
  CHECK(s.client.get(s.inv("/users"), s.auth()).status == 429);
  auto counters = s.client.get("/__sandbox/counters").obj();
  CHECK(counters.at("limited_total").as_int64() == 1);
  CHECK(counters.at("limited").at("inventory_minute").as_int64() == 1);
}
