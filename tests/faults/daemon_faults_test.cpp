// `zohosync daemon` as a process under faults: with 10% of calls failing it
// keeps cycling (never exits), /metrics counts the failures and retries, and
// once the faults are gone it converges; with one product down entirely and
// on_delete = propagate it deletes nothing anywhere and catches up after.
#include <doctest/doctest.h>
#include <signal.h>

#include <boost/json.hpp>
#include <cstdio>
#include <sstream>
#include <thread>

#include "tests/faults/fault_support.hpp"
#include "tests/support/daemon_process.hpp"
#include "tests/support/files.hpp"
#include "tests/support/temp_dir.hpp"

namespace zohosync::faults::test {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using sandbox::test::http_client;
using sandbox::test::sandbox_process;
using sandbox::test::session;
using support::read_file;
using support::TempDir;

// One daemon with its notify socket, log and metrics port.
struct Daemon : support::DaemonProcess {
  Daemon(const fs::path& dir, const std::string& config) : DaemonProcess(dir, config, "faults") {}
  std::uint16_t metrics_port() {
    const auto port = DaemonProcess::metrics_port(20s);
    REQUIRE_MESSAGE(port.has_value(), read_file(log));
    return *port;
  }
  void stop() {
    process.signal(SIGTERM);
    auto status = process.wait(20s);
    REQUIRE_MESSAGE(status.has_value(), read_file(log));
    CHECK(*status == 0);
  }
};

// The sum of every sample of `metric` whose labels contain `labels`.
double metric_sum(const std::string& text, const std::string& metric,
                  const std::string& labels = "") {
  double sum = 0;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind(metric, 0) != 0)
      continue;
    const char next = line.size() > metric.size() ? line[metric.size()] : '\0';
    if (next != '{' && next != ' ')
      continue;
    if (!labels.empty() && line.find(labels) == std::string::npos)
      continue;
    sum += std::stod(line.substr(line.rfind(' ') + 1));
  }
  return sum;
}

std::string metrics(std::uint16_t port) {
  http_client client(port);
  auto reply = client.get("/metrics");
  return reply.status == 200 ? reply.body : "";
}

// Waits (bounded) until `done()` holds.
template <typename Pred>
bool eventually(Pred done, Millis limit, Millis step = 200ms) {
  const auto end = std::chrono::steady_clock::now() + limit;
  for (;;) {
    if (done())
      return true;
    if (std::chrono::steady_clock::now() >= end)
      return false;
    std::this_thread::sleep_for(step);  // polling what a user can observe
  }
}

void create_person(session& sb, const std::string& product, const std::string& email, int n) {
  json::object body{{"product", product}, {"op", "create"}};
  const std::string last = "Person" + std::to_string(n);
  if (product == "crm") {
    body["collection"] = "contacts";
    body["fields"] = json::object{{"Email", email}, {"First_Name", "Faye"}, {"Last_Name", last}};
  } else if (product == "projects") {
    body["collection"] = "contacts";
    body["parent"] = "170876000000000001";
    body["fields"] = json::object{{"email", email}, {"first_name", "Faye"}, {"last_name", last}};
  } else {
    // Not Inventory: without --person-bumps-contact a new Inventory person
    // is only found by the daily full scan.
    body["collection"] = "counterpartyusers";
    body["parent"] = "NewPeople";
    body["fields"] = json::object{{"emailId", email}, {"displayName", "Faye " + last}};
  }
  const int status = sb.admin_post("edit", json::serialize(body)).status;
  REQUIRE_MESSAGE((status == 200 || status == 201), json::serialize(body));
}

// Every one of `emails` exactly once in every create collection.
bool everywhere_once(session& sb, const std::set<std::string>& emails) {
  const Census c = census(sb.dump());
  for (const std::string& collection : create_collections()) {
    const auto& held = c.by_collection.at(collection);
    for (const std::string& email : emails) {
      auto it = held.find(email);
      if (it == held.end() || it->second != 1)
        return false;
    }
  }
  return true;
}

TEST_CASE("faults: the daemon under 10% faults keeps running, counts them, converges after") {
  sandbox_process proc(limited_sandbox_args(80, 13));
  session sb(proc.port());
  TempDir dir;
  const std::string config = limited_config(
      dir.path(), {.sandbox_port = proc.port(), .state_dir = dir.path() / "state", .poll = 1s});
  Daemon daemon(dir.path(), config);
  REQUIRE_MESSAGE(daemon.notify.wait_for("READY=1", 60s), read_file(daemon.log));
  const std::uint16_t port = daemon.metrics_port();
  const std::string before = metrics(port);

  add_random_faults(sb, 0.10, 2500);
  std::set<std::string> created;
  const char* products[] = {"crm", "projects", "contracts"};
  for (int i = 0; i < 9; ++i) {
    const std::string email = "daemon.fault" + std::to_string(i) + "@example.com";
    create_person(sb, products[i % 3], email, i);
    created.insert(email);
  }
  // A bounded number of cycles under faults: every collection polled about
  // three more times.
  const double cycles_before = metric_sum(before, "zohosync_cycles_total");
  const bool cycled = eventually(
      [&] { return metric_sum(metrics(port), "zohosync_cycles_total") >= cycles_before + 15; },
      60s);
  CHECK_MESSAGE(cycled, read_file(daemon.log).substr(0, 4000));
  CHECK(daemon.process.running());
  const std::string under = metrics(port);
  const auto fired = faults_fired(sb);
  clear_faults(sb);
  std::int64_t injected = 0;
  for (const auto& [kind, n] : fired)
    injected += n;
  std::printf("daemon under faults: %lld faults fired, %.0f cycles, %.0f requests, %.0f retries\n",
              static_cast<long long>(injected),
              metric_sum(under, "zohosync_cycles_total") - cycles_before,
              metric_sum(under, "zohosync_api_requests_total"),
              metric_sum(under, "zohosync_api_retries_total"));
  CHECK(injected > 0);
  CHECK(metric_sum(under, "zohosync_api_retries_total") > 0);
  CHECK(metric_sum(under, "zohosync_api_transport_errors_total") > 0);
  CHECK(metric_sum(under, "zohosync_api_responses_total", "status=\"500\"") > 0);
  CHECK(metric_sum(under, "zohosync_api_throttled_total") > 0);

  // Faults gone: it converges without anyone twice.
  const bool converged = eventually([&] { return everywhere_once(sb, created); }, 60s, 500ms);
  CHECK_MESSAGE(converged, read_file(daemon.log).substr(0, 4000));
  CHECK(census(sb.dump()).duplicates().empty());
  CHECK(daemon.process.running());
  CHECK(limited_total(sb) == 0);
  daemon.stop();
}

TEST_CASE("faults: the daemon with a product down deletes nothing and catches up after") {
  sandbox_process proc(limited_sandbox_args(60, 17));
  session sb(proc.port());
  TempDir dir;
  const std::string config = limited_config(dir.path(), {.sandbox_port = proc.port(),
                                                         .state_dir = dir.path() / "state",
                                                         .on_delete = "propagate",
                                                         .timeout = 1s,
                                                         .poll = 1s});
  const auto t0 = std::chrono::steady_clock::now();
  auto phase = [&](const char* what) {
    std::printf("product down, %s at %.1f s\n", what,
                std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  };
  Daemon daemon(dir.path(), config);
  REQUIRE_MESSAGE(daemon.notify.wait_for("READY=1", 60s), read_file(daemon.log));
  const std::uint16_t port = daemon.metrics_port();
  // Settled: a cycle of every collection after the first one.
  REQUIRE(eventually(
      [&] { return metric_sum(metrics(port), "zohosync_cycles_total", "result=\"ok\"") >= 10; },
      30s));
  phase("settled");
  const Census before = census(sb.dump());

  // Projects hangs on every call (longer than the request timeout).
  add_fault(
      sb,
      {{"kind", "hang"}, {"path", "/api/v3/*"}, {"rate", 1.0}, {"times", 1000000}, {"ms", 800}});
  create_person(sb, "crm", "while.down@example.com", 1);
  // A few cycles while it is down: Projects' own polls fail, and every
  // other cycle that has a write for Projects lists it first and fails there.
  const double cycles_before = metric_sum(metrics(port), "zohosync_cycles_total");
  const bool failing = eventually(
      [&] {
        const std::string m = metrics(port);
        return metric_sum(m, "zohosync_cycles_total",
                          "collection=\"projects.contacts\",result=\"failed\"") >= 1 &&
               metric_sum(m, "zohosync_cycles_total") >= cycles_before + 3;
      },
      60s);
  phase("failing");
  CHECK_MESSAGE(failing, read_file(daemon.log).substr(0, 4000));
  CHECK(daemon.process.running());
  const Census during = census(sb.dump());
  std::size_t lost = 0;
  for (const std::string& id : before.record_ids)
    lost += during.record_ids.count(id) == 0 ? 1 : 0;
  CHECK(lost == 0);
  CHECK(metric_sum(metrics(port), "zohosync_actions_total", "kind=\"delete\"") == 0);

  clear_faults(sb);
  const bool caught_up =
      eventually([&] { return everywhere_once(sb, {"while.down@example.com"}); }, 60s, 500ms);
  phase("caught up");
  CHECK_MESSAGE(caught_up, read_file(daemon.log).substr(0, 4000));
  const Census after = census(sb.dump());
  CHECK(after.duplicates().empty());
  for (const std::string& id : before.record_ids)
    CHECK_MESSAGE(after.record_ids.count(id) == 1, id);
  CHECK(metric_sum(metrics(port), "zohosync_actions_total", "kind=\"delete\"") == 0);
  CHECK(limited_total(sb) == 0);
  daemon.stop();
}

}  // namespace
}  // namespace zohosync::faults::test
