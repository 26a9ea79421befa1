// `zohosync daemon` as a real process against a real zoho-sandbox process:
// a UI edit in each product shows up in the others within two poll
// intervals (the delay is measured and printed), systemd notifications,
// /metrics and /healthz, SIGHUP reload, SIGTERM mid-cycle then a restart
// that converges without duplicates. Every wait is a bounded polling loop on
// something a user could observe (the sandbox dump, an HTTP answer, a
// notify message, the log); every process started is stopped.
#include <doctest/doctest.h>

#include <signal.h>

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <thread>

#include "tests/sandbox/test_client.hpp"
#include "tests/support/census.hpp"
#include "tests/support/daemon_process.hpp"
#include "tests/support/files.hpp"
#include "tests/support/sandbox_config.hpp"
#include "tests/support/temp_dir.hpp"

namespace zohosync::daemon::test {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using sandbox::test::http_client;
using sandbox::test::sandbox_process;
using sandbox::test::session;
using support::free_listen_address;
using support::Millis;
using support::read_file;
using support::TempDir;
using support::wait_for_line;

constexpr Millis kPoll = 2s;
constexpr Millis kJitter = 200ms;

std::string text(const json::object& o, const char* key) {
  auto it = o.find(key);
  return it != o.end() && it->value().is_string() ? std::string(it->value().as_string()) : "";
}

using support::Place;
using support::records_with;
const Place& kPersons = support::place("inventory.contact_persons");
const Place& kProjects = support::place("projects.contacts");
const Place& kCrm = support::place("crm.contacts");
const Place& kContracts = support::place("contracts.counterparty_contacts");

// Every product polled every `poll`; /healthz turns unhealthy after three
// missed polls.
std::string daemon_config(const std::filesystem::path& dir, std::uint16_t port, Millis poll,
                          const std::string& listen) {
  return support::write_config(dir, {.base_url = support::sandbox_url(port),
                                     .state_dir = dir / "state",
                                     .metrics_listen = listen,
                                     .health_max_missed_polls = 3,
                                     .budgets = support::generous_budgets(),
                                     .poll = poll,
                                     .jitter = kJitter})
      .string();
}

// One running daemon with its notify socket and log; its admin port must show.
struct Daemon : support::DaemonProcess {
  using DaemonProcess::DaemonProcess;
  std::uint16_t admin_port() {
    const auto port = metrics_port(20s);
    REQUIRE_MESSAGE(port.has_value(), read_file(log));
    return *port;
  }
};

// Polls the sandbox dump until `done(dump)` holds or `limit` passes.
template <typename Pred>
bool wait_dump(session& sb, Pred done, Millis limit) {
  const auto end = std::chrono::steady_clock::now() + limit;
  for (;;) {
    if (done(sb.dump()))
      return true;
    if (std::chrono::steady_clock::now() >= end)
      return false;
    std::this_thread::sleep_for(50ms);
  }
}

// --person-bumps-contact: an Inventory person edit moves its contact's
// last_modified_time (unconfirmed for Zoho); without it such edits are only
// found by the connector's periodic full scan (full_scan_interval, 24 h).
const std::vector<std::string> kSandboxArgs = {
    "--seed", "3", "--people", "8", "--overlap", "1", "--no-limits", "--person-bumps-contact"};

TEST_CASE(
    "daemon process: edits propagate within two poll intervals and metrics health SIGHUP SIGTERM "
    "work") {
  TempDir dir;
  sandbox_process sandbox(kSandboxArgs);
  session sb(sandbox.port());
  const std::string config =
      daemon_config(dir.path(), sandbox.port(), kPoll, free_listen_address());
  Daemon daemon(dir.path(), config, "a");
  REQUIRE_MESSAGE(daemon.notify.wait_for("READY=1", 60s), read_file(daemon.log));
  const std::uint16_t admin = daemon.admin_port();

  // A person every product holds (overlap 1): take CRM's first contact.
  json::object dump = sb.dump();
  const auto& crm_contacts = dump.at("crm").as_object().at("contacts").as_array();
  REQUIRE_FALSE(crm_contacts.empty());
  std::string email;
  for (const auto& c : crm_contacts) {
    std::string e = text(c.as_object(), "Email");
    if (!e.empty() && !records_with(dump, kProjects, e).empty() &&
        !records_with(dump, kPersons, e).empty() && !records_with(dump, kContracts, e).empty()) {
      email = e;
      break;
    }
  }
  REQUIRE_MESSAGE(!email.empty(), "no person present in all four products");
  CAPTURE(email);

  struct Edit {
    Place place;
    const char* product;
    const char* collection;
    const char* id_field;
    const char* last_name_field;
  };
  const Edit edits[] = {
      {kCrm, "crm", "contacts", "id", "Last_Name"},
      {kProjects, "projects", "contacts", "id", "last_name"},
      {kContracts, "contracts", "counterpartyusers", "id", "displayName"},
      {kPersons, "inventory", "contact_persons", "contact_person_id", "last_name"},
  };
  const Place others_of_all[] = {kCrm, kProjects, kPersons};
  for (const Edit& e : edits) {
    CAPTURE(e.product);
    // Let the daemon settle (no cycle mid-way through the edit is needed).
    auto mine = records_with(sb.dump(), e.place, email);
    REQUIRE(mine.size() == 1);
    const std::string value = std::string("Edited") + e.product;
    // Contracts carries the full name only: the edit changes its last word.
    const bool full_name = std::string(e.last_name_field) == "displayName";
    const std::string written =
        full_name ? text(records_with(sb.dump(), kCrm, email).at(0), "First_Name") + " " + value
                  : value;
    json::object body{{"product", e.product},
                      {"collection", e.collection},
                      {"op", "update"},
                      {"id", text(mine[0], e.id_field)},
                      {"fields", json::object{{e.last_name_field, written}}}};
    const auto edited = std::chrono::steady_clock::now();
    const int answered = sb.admin_post("edit", json::serialize(body)).status;
    REQUIRE((answered == 200 || answered == 201));
    const bool seen = wait_dump(
        sb,
        [&](const json::object& d) {
          for (const Place& p : others_of_all) {
            auto rs = records_with(d, p, email);
            const char* field = std::string(p.product) == "crm" ? "Last_Name" : "last_name";
            if (rs.size() != 1 || text(rs[0], field) != value)
              return false;
          }
          auto contracts = records_with(d, kContracts, email);
          return contracts.size() == 1 &&
                 text(contracts[0], "displayName").find(value) != std::string::npos;
        },
        4 * kPoll);
    const auto delay =
        std::chrono::duration_cast<Millis>(std::chrono::steady_clock::now() - edited);
    if (!seen) {
      json::object d = sb.dump();
      for (const Place& p : {kPersons, kProjects, kCrm, kContracts}) {
        for (const auto& r : records_with(d, p, email))
          std::printf("%s: %s\n", p.product, json::serialize(r).c_str());
      }
    }
    REQUIRE_MESSAGE(seen, read_file(daemon.log));
    std::printf("propagation delay after an edit in %s: %lld ms (poll interval %lld ms)\n",
                e.product, static_cast<long long>(delay.count()),
                static_cast<long long>(kPoll.count()));
    CHECK(delay <= 2 * (kPoll + kJitter));
  }

  // /metrics and /healthz.
  http_client client(admin);
  auto metrics = client.get("/metrics");
  CHECK(metrics.status == 200);
  for (const char* needle :
       {"zohosync_cycles_total{collection=\"crm.contacts\",result=\"ok\"}",
        "zohosync_writes_total{collection=\"projects.contacts\",result=\"confirmed\"}",
        "zohosync_records_seen_total{collection=\"inventory.contact_persons\"}",
        "zohosync_api_requests_total{product=\"crm\"}",
        "zohosync_api_responses_total{product=\"crm\",status=\"200\"}",
        "zohosync_api_throttled_total{product=\"inventory\"} 0", "zohosync_conflicts_open 0",
        "zohosync_journal_entries ", "zohosync_ready 1", "zohosync_outbox_pending 0",
        "zohosync_api_throttled_until_seconds{product=\"projects\"} 0",
        "zohosync_outbox_pending_writes{collection=\"projects.contacts\",kind=\"delete\"} 0",
        "zohosync_last_success_timestamp_seconds{collection=\"contracts.counterparty_"
        "contacts\"}"}) {
    CAPTURE(needle);
    CHECK(metrics.body.find(needle) != std::string::npos);
  }
  http_client health_client(admin);
  auto health = health_client.get("/healthz");
  CHECK(health.status == 200);
  CHECK(health.body == "ok\n");

  // SIGHUP: a reloadable change applies, a non-reloadable one is reported.
  daemon_config(dir.path(), sandbox.port(), 3s, "127.0.0.1:1");
  daemon.process.signal(SIGHUP);
  const bool reloaded = wait_for_line(daemon.log, "configuration reloaded", 10s).has_value();
  if (!reloaded)
    std::fprintf(stderr, "%s\n", read_file(daemon.log).c_str());
  CHECK(reloaded);
  CHECK(
      wait_for_line(daemon.log, "service.metrics_listen changed: takes effect after a restart", 10s)
          .has_value());
  CHECK(daemon.process.running());

  // SIGTERM: STOPPING=1, exit 0 within the shutdown timeout.
  daemon.process.signal(SIGTERM);
  CHECK(daemon.notify.wait_for("STOPPING=1", 10s));
  auto status = daemon.process.wait(10s);
  REQUIRE(status.has_value());
  CHECK(*status == 0);
  sandbox.stop();
}

TEST_CASE(
    "daemon process: SIGTERM in the middle of a cycle then a restart converges without "
    "duplicates") {
  TempDir dir;
  sandbox_process sandbox(kSandboxArgs);
  session sb(sandbox.port());
  const std::string config =
      daemon_config(dir.path(), sandbox.port(), kPoll, free_listen_address());
  {
    Daemon first(dir.path(), config, "first");
    REQUIRE_MESSAGE(first.notify.wait_for("READY=1", 60s), read_file(first.log));
    // New people in CRM, and slow writes everywhere: the cycle that picks them
    // up is still sending when SIGTERM arrives.
    for (int i = 0; i < 6; ++i) {
      json::object body{
          {"product", "crm"},
          {"collection", "contacts"},
          {"op", "create"},
          {"fields", json::object{{"Email", "new" + std::to_string(i) + "@example.com"},
                                  {"First_Name", "New"},
                                  {"Last_Name", "Person" + std::to_string(i)}}}};
      const int created = sb.admin_post("edit", json::serialize(body)).status;
      REQUIRE((created == 200 || created == 201));
    }
    json::object fault{{"kind", "latency"}, {"path", "*"}, {"method", "POST"},
                       {"ms", 400},         {"rate", 1.0}, {"times", 1000}};
    const int added = sb.admin_post("faults", json::serialize(fault)).status;
    REQUIRE((added == 200 || added == 201));
    // Wait until the first of them has been created elsewhere, then stop.
    REQUIRE(wait_dump(
        sb,
        [](const json::object& d) {
          return !records_with(d, kProjects, "new0@example.com").empty() ||
                 !records_with(d, kPersons, "new0@example.com").empty();
        },
        20s));
    first.process.signal(SIGTERM);
    auto status = first.process.wait(15s);
    REQUIRE(status.has_value());
    CHECK(*status == 0);
  }
  REQUIRE(sb.client.request("DELETE", "/__sandbox/faults").status == 200);

  Daemon second(dir.path(), config, "second");
  REQUIRE_MESSAGE(second.notify.wait_for("READY=1", 60s), read_file(second.log));
  const bool converged = wait_dump(
      sb,
      [](const json::object& d) {
        for (int i = 0; i < 6; ++i) {
          const std::string email = "new" + std::to_string(i) + "@example.com";
          for (const Place& p : {kPersons, kProjects, kCrm, kContracts}) {
            if (records_with(d, p, email).size() != 1)
              return false;
          }
        }
        return true;
      },
      30s);
  CHECK_MESSAGE(converged, read_file(second.log));
  // No duplicate of anyone, in any product, after a few more polls.
  json::object d = sb.dump();
  for (int i = 0; i < 6; ++i) {
    const std::string email = "new" + std::to_string(i) + "@example.com";
    for (const Place& p : {kPersons, kProjects, kCrm, kContracts}) {
      CAPTURE(email);
      CAPTURE(p.product);
      CHECK(records_with(d, p, email).size() == 1);
    }
  }
  second.process.signal(SIGTERM);
  auto status = second.process.wait(15s);
  REQUIRE(status.has_value());
  CHECK(*status == 0);
  sandbox.stop();
}

TEST_CASE(
    "daemon process: SIGTERM while a listing waits for a product's request budget ends the daemon "
    "within 2 s") {
  TempDir dir;
  sandbox_process sandbox({"--seed", "3", "--people", "60", "--no-limits"});
  session sb(sandbox.port());
  std::string config = daemon_config(dir.path(), sandbox.port(), kPoll, free_listen_address());
  {
    // Projects allows 3 requests a minute: one at once, then one every 30 s,
    // so its listing (a request per client company) waits for its budget.
    std::ifstream in(config);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const std::string generous = "[http.projects]\nrequests = 10000\n";
    REQUIRE(text.find(generous) != std::string::npos);
    text.replace(text.find(generous), generous.size(),
                 "[http.projects]\nrequests = 3\nwindow = \"1m\"\n");
    std::ofstream(config) << text;
  }
  Daemon daemon(dir.path(), config, "paced");
  // READY=1 follows the first cycle, which the paced listing holds up.
  REQUIRE_MESSAGE(wait_for_line(daemon.log, "zohosync daemon started", 20s).has_value(),
                  read_file(daemon.log));
  auto projects_requests = [&] {
    std::int64_t n = 0;
    const auto counters = sb.client.get("/__sandbox/counters").obj();
    for (const auto& row : counters.at("requests").as_array()) {
      if (row.at("product") == "projects")
        n += row.at("count").to_number<std::int64_t>();
    }
    return n;
  };
  const auto until = std::chrono::steady_clock::now() + 20s;
  while (projects_requests() < 1 && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(50ms);
  REQUIRE(projects_requests() >= 1);  // the listing began; its next request waits ~30 s

  const auto asked = std::chrono::steady_clock::now();
  daemon.process.signal(SIGTERM);
  auto status = daemon.process.wait(15s);
  const auto took = std::chrono::steady_clock::now() - asked;
  REQUIRE(status.has_value());
  CHECK(*status == 0);
  MESSAGE("SIGTERM to exit: " << std::chrono::duration_cast<std::chrono::milliseconds>(took).count()
                              << " ms");
  CHECK(took < 2s);
  CHECK(projects_requests() <= 2);
  sandbox.stop();
}

}  // namespace
}  // namespace zohosync::daemon::test
