// `zohosync daemon` with a Projects request budget far too small to read the
// portal in one poll: Projects is read a slice per poll and its writes wait
// in the outbox for its budget, so CRM edits still reach Inventory within a
// couple of poll intervals, and no product ever answers that a limit was
// passed. Every wait is a bounded polling loop;
// every process started is stopped.
#include <doctest/doctest.h>

#include <signal.h>

#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <thread>

#include "tests/sandbox/test_client.hpp"
#include "tests/support/census.hpp"
#include "tests/support/daemon_process.hpp"
#include "tests/support/files.hpp"
#include "tests/support/propagation.hpp"
#include "tests/support/run_zohosync.hpp"
#include "tests/support/sandbox_config.hpp"
#include "tests/support/temp_dir.hpp"

namespace zohosync::daemon::test {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using sandbox::test::sandbox_process;
using sandbox::test::session;
using support::Millis;
using support::read_file;

std::int64_t projects_requests(session& sb) {
  const json::object counters = sb.client.get("/__sandbox/counters").obj();
  const auto* n = counters.at("by_product").as_object().if_contains("projects");
  return n ? n->to_number<std::int64_t>() : 0;
}

// Projects: `projects_per_minute`. Contracts and Inventory (no limit in
// this sandbox): generous, so their listings are quick. CRM: zohosync's
// default, within the sandbox's limit.
std::map<std::string, support::Budget> budgets(int projects_per_minute) {
  return {{"projects", {.requests = projects_per_minute, .window = "1m"}},
          {"contracts", support::generous_budgets().at("contracts")},
          {"inventory", support::generous_budgets().at("inventory")}};
}

}  // namespace

TEST_CASE(
    "daemon process: with Projects' budget too small for its portal, Projects is read a slice "
    "per poll, a CRM edit still arrives within two polls, and no limit is passed") {
  support::TempDir dir;
  // The sandbox enforces Projects' request limit (here 200 per minute, so
  // that the first reconcile reads the whole portal at once) and CRM's;
  // Inventory's is off, for a quick first reconcile.
  sandbox_process sandbox({"--seed", "5", "--people", "150", "--overlap", "1",
                           "--person-bumps-contact", "--projects-per-window", "200",
                           "--projects-window", "60", "--inventory-per-minute", "0"});
  session sb(sandbox.port());
  const std::size_t clients = sb.dump().at("projects").as_object().at("clients").as_array().size();
  REQUIRE(clients > 30);

  // A reconcile links everyone first, reading every Projects client once.
  std::filesystem::create_directories(dir.path() / "first");
  std::filesystem::create_directories(dir.path() / "daemon");
  const auto first =
      support::write_config(dir.path() / "first", {.base_url = support::sandbox_url(sandbox.port()),
                                                   .state_dir = dir.path() / "state",
                                                   .budgets = budgets(150)});
  const support::Run linked = support::run_zohosync({"reconcile", "--config", first.string()});
  const std::string linked_output = linked.out + linked.err;
  REQUIRE_MESSAGE(linked.exit_code == 0, linked_output);

  // The daemon: every product polled each second; Projects may spend 12
  // requests a minute, a fifth of one per poll, against more than 30
  // clients to read.
  constexpr Millis kPoll = 1s;
  const auto config = support::write_config(dir.path() / "daemon",
                                            {.base_url = support::sandbox_url(sandbox.port()),
                                             .state_dir = dir.path() / "state",
                                             .budgets = budgets(12),
                                             .poll = kPoll,
                                             .jitter = 100ms});
  support::DaemonProcess daemon(dir.path(), config.string(), "budget");
  REQUIRE_MESSAGE(daemon.notify.wait_for("READY=1", 60s), read_file(daemon.log));
  const std::int64_t projects_before = projects_requests(sb);

  // A person every product holds: CRM's first contact with an email.
  const std::optional<support::CrmPerson> person =
      support::crm_person_also_in(sb.dump(), "inventory.contact_persons");
  REQUIRE(person.has_value());
  const std::string& email = person->email;
  CAPTURE(email);

  // Three CRM edits in a row each reach Inventory within two polls. Each
  // also needs a Projects write, and Projects has a request every 5 s:
  // those writes wait in the outbox for its budget, not in a cycle, so they
  // hold back neither the next poll nor the next edit. (With whole Projects
  // listings, or writes that wait in the cycle, a poll would wait for
  // Projects' budget.)
  std::string last_name;
  for (int k = 1; k <= 3; ++k) {
    last_name = "Sliced" + std::to_string(k);
    const json::object edit{{"product", "crm"},
                            {"op", "update"},
                            {"id", person->id},
                            {"fields", json::object{{"Last_Name", last_name}}}};
    REQUIRE(sb.admin_post("edit", json::serialize(edit)).status == 200);
    const std::optional<Millis> delay = support::wait_until_shown(
        [&] { return sb.dump(); }, "inventory.contact_persons", email, "last_name", last_name, 30s);
    REQUIRE_MESSAGE(delay.has_value(), read_file(daemon.log));
    std::printf(
        "edit %d: CRM -> Inventory with Projects' budget exhausted: %lld ms (poll %lld ms)\n", k,
        static_cast<long long>(delay->count()), static_cast<long long>(kPoll.count()));
    CHECK(*delay <= 2 * kPoll + 2s);
  }

  // The Projects writes go out as its budget refills: the last edit arrives.
  const bool in_projects = support::wait_until_shown([&] { return sb.dump(); }, "projects.contacts",
                                                     email, "last_name", last_name, 60s)
                               .has_value();
  CHECK_MESSAGE(in_projects, read_file(daemon.log));

  // The Projects pass goes on meanwhile, as its budget refills: once its
  // pace is known, the daemon says (once) that a whole pass takes longer
  // than the poll interval. No product refused a request over its limit.
  const std::string too_slow = "projects.contacts: a whole pass over its ";
  const auto pass_watch = std::chrono::steady_clock::now();
  while (read_file(daemon.log).find(too_slow) == std::string::npos &&
         std::chrono::steady_clock::now() - pass_watch < 60s)
    std::this_thread::sleep_for(200ms);
  CHECK(projects_requests(sb) > projects_before);
  const json::object counters = sb.client.get("/__sandbox/counters").obj();
  CHECK(counters.at("limited_total").to_number<std::int64_t>() == 0);

  daemon.process.signal(SIGTERM);
  const auto status = daemon.process.wait(10s);
  REQUIRE(status.has_value());
  CHECK(*status == 0);

  // What an admin reads: each collection's interval at start; once, that a
  // whole Projects pass takes longer than its interval; and in `status`,
  // where the pass stands and how often each collection was really read.
  const std::string log = read_file(daemon.log);
  CHECK(log.find("projects.contacts: polled every 1s") != std::string::npos);
  CHECK(log.find("crm.contacts: polled every 1s") != std::string::npos);
  CHECK_MESSAGE(log.find(too_slow) != std::string::npos, log);
  CHECK(log.find(too_slow) == log.rfind(too_slow));
  CHECK(log.find("longer than its poll interval (1s)") != std::string::npos);
  const support::Run shown =
      support::run_zohosync({"status", "--json", "--config", config.string()});
  REQUIRE_MESSAGE(shown.exit_code == 0, shown.err);
  const json::object collections = json::parse(shown.out).at("collections").as_object();
  const json::object& projects_cadence =
      collections.at("projects.contacts").at("cadence").as_object();
  CHECK(projects_cadence.at("poll_interval_s").to_number<double>() == 1.0);
  const json::object& pass = projects_cadence.at("pass").as_object();
  CHECK(pass.at("parents_total").to_number<std::size_t>() >= clients);
  CHECK(pass.at("parents_read").to_number<std::size_t>() <=
        pass.at("parents_total").to_number<std::size_t>());
  const double crm_every =
      collections.at("crm.contacts").at("cadence").at("effective_interval_s").to_number<double>();
  CHECK(crm_every > 0.5);
  CHECK(crm_every < 3.0);
  sandbox.stop();
}

}  // namespace zohosync::daemon::test

namespace zohosync::daemon::test {

TEST_CASE(
    "reconcile on a terminal: a paced Projects listing shows how many of its clients it has "
    "read") {
  support::TempDir dir;
  sandbox_process sandbox({"--seed", "5", "--people", "90", "--no-limits"});
  session sb(sandbox.port());
  const std::size_t clients = sb.dump().at("projects").as_object().at("clients").as_array().size();
  REQUIRE(clients > 15);
  std::filesystem::create_directories(dir.path() / "conf");
  // 100 requests a minute: a client every 0.6 s or so, a listing of several
  // seconds, redrawn once a second.
  const auto config = support::write_config(
      dir.path() / "conf", {.base_url = support::sandbox_url(sandbox.port()),
                            .state_dir = dir.path() / "state",
                            .budgets = {{"projects", {.requests = 100, .window = "1m"}},
                                        {"contracts", support::generous_budgets().at("contracts")},
                                        {"inventory", support::generous_budgets().at("inventory")},
                                        {"crm", support::generous_budgets().at("crm")}}});
  // script(1) gives the run a terminal (the progress line is drawn only on
  // one) and copies what it draws into a file.
  const auto typescript = dir.path() / "typescript";
  support::ChildProcess run(
      "script",
      {"-q", "-e", "-c", std::string(ZOHOSYNC_EXE) + " reconcile --config " + config.string(),
       typescript.string()},
      {{"TERM", "xterm"}});
  const auto status = run.wait(120s);
  REQUIRE(status.has_value());
  const std::string shown = read_file(typescript);
  CHECK_MESSAGE(*status == 0, shown);
  // "projects.contacts 7 of 19 clients read", counting up.
  const std::string total = " of " + std::to_string(clients) + " clients read";
  CHECK_MESSAGE(shown.find("projects.contacts ") != std::string::npos, shown);
  CHECK_MESSAGE(shown.find(total) != std::string::npos, shown);
  sandbox.stop();
}

}  // namespace zohosync::daemon::test
