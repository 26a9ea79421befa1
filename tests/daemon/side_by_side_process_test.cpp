// `zohosync reconcile` beside a running `zohosync daemon` on one state dir:
// the two cycle at the same time. While the reconcile reads the whole
// Projects portal at the pace of its budget, the daemon's own cycles go on:
// a CRM edit reaches Inventory within two polls, before the reconcile ends.
// No write is sent twice (nobody held twice anywhere), both exit 0, and no
// product answers that a limit was passed. Every wait is a bounded polling
// loop; every process started is stopped.
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
#include "tests/support/child_process.hpp"
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

}  // namespace

TEST_CASE(
    "daemon process: a reconcile beside the daemon holds up none of its cycles, and neither "
    "sends a write twice") {
  support::TempDir dir;
  sandbox_process sandbox({"--seed", "7", "--people", "100", "--overlap", "1", "--duplicates", "0",
                           "--person-bumps-contact", "--projects-per-window", "200",
                           "--projects-window", "60", "--inventory-per-minute", "0"});
  session sb(sandbox.port());

  // Everyone linked first, with budgets that do not pace.
  std::filesystem::create_directories(dir.path() / "first");
  const auto first = support::write_config(
      dir.path() / "first",
      {.base_url = support::sandbox_url(sandbox.port()),
       .state_dir = dir.path() / "state",
       .budgets = {{"projects", {.requests = 150, .window = "1m"}},
                   {"contracts", support::generous_budgets().at("contracts")},
                   {"inventory", support::generous_budgets().at("inventory")}}});
  const support::Run linked = support::run_zohosync({"reconcile", "--config", first.string()});
  REQUIRE_MESSAGE(linked.exit_code == 0, (linked.out + linked.err));
  REQUIRE(support::census(sb.dump()).duplicates().empty());

  // One configuration for both: every product polled each second; Projects
  // may spend 60 requests a minute, so a whole listing of its portal (more
  // than 30 clients) takes the reconcile half a minute and more.
  constexpr Millis kPoll = 1s;
  std::filesystem::create_directories(dir.path() / "both");
  const auto config = support::write_config(
      dir.path() / "both", {.base_url = support::sandbox_url(sandbox.port()),
                            .state_dir = dir.path() / "state",
                            .budgets = {{"projects", {.requests = 60, .window = "1m"}},
                                        {"contracts", support::generous_budgets().at("contracts")},
                                        {"inventory", support::generous_budgets().at("inventory")}},
                            .poll = kPoll,
                            .jitter = 100ms});
  support::DaemonProcess daemon(dir.path(), config.string(), "beside");
  REQUIRE_MESSAGE(daemon.notify.wait_for("READY=1", 60s), read_file(daemon.log));

  // A person every product holds, to edit in CRM.
  const std::optional<support::CrmPerson> person =
      support::crm_person_also_in(sb.dump(), "inventory.contact_persons");
  REQUIRE(person.has_value());
  CAPTURE(person->email);

  const auto reconcile_started = std::chrono::steady_clock::now();
  support::ChildProcess reconcile(
      ZOHOSYNC_EXE, {"reconcile", "--config", config.string(), "--log-level", "info"});

  // Two CRM edits, each while the reconcile is still reading: each reaches
  // Inventory through the daemon within two polls.
  for (int k = 1; k <= 2; ++k) {
    const std::string last_name = "Beside" + std::to_string(k);
    const json::object edit{{"product", "crm"},
                            {"op", "update"},
                            {"id", person->id},
                            {"fields", json::object{{"Last_Name", last_name}}}};
    REQUIRE(sb.admin_post("edit", json::serialize(edit)).status == 200);
    const std::optional<Millis> delay =
        support::wait_until_shown([&] { return sb.dump(); }, "inventory.contact_persons",
                                  person->email, "last_name", last_name, 30s);
    REQUIRE_MESSAGE(delay.has_value(), read_file(daemon.log));
    const bool reconcile_running = reconcile.running();
    std::printf("edit %d: CRM -> Inventory beside a reconcile: %lld ms (poll %lld ms)%s\n", k,
                static_cast<long long>(delay->count()), static_cast<long long>(kPoll.count()),
                reconcile_running ? "" : " (the reconcile had ended)");
    // It arrived while the reconcile still ran, without waiting for it.
    CHECK_MESSAGE(reconcile_running, (reconcile.out() + reconcile.err()));
    CHECK(*delay <= 2 * kPoll + 2s);
  }

  const std::optional<int> reconciled = reconcile.wait(180s);
  REQUIRE(reconciled.has_value());
  std::printf("the reconcile beside the daemon took %lld ms\n",
              static_cast<long long>(std::chrono::duration_cast<Millis>(
                                         std::chrono::steady_clock::now() - reconcile_started)
                                         .count()));
  CHECK_MESSAGE(*reconciled == 0, (reconcile.out() + reconcile.err()));

  daemon.process.signal(SIGTERM);
  const auto status = daemon.process.wait(10s);
  REQUIRE(status.has_value());
  CHECK(*status == 0);

  // Nobody held twice in any product; no request refused over a limit.
  const support::Census after = support::census(sb.dump());
  const std::vector<std::string> twice = after.duplicates();
  const std::string twice_first = twice.empty() ? std::string() : twice.front();
  CHECK_MESSAGE(twice.empty(),
                (twice_first + "\n" + reconcile.out() + reconcile.err() + read_file(daemon.log)));
  const json::object counters = sb.client.get("/__sandbox/counters").obj();
  CHECK(counters.at("limited_total").to_number<std::int64_t>() == 0);
  // Every product agrees: a last reconcile has nothing left to write (on
  // the first configuration, whose Projects budget reads the portal faster).
  const support::Run last =
      support::run_zohosync({"reconcile", "--dry-run", "--json", "--config", first.string()});
  REQUIRE_MESSAGE(last.exit_code == 0, (last.out + last.err));
  CHECK(json::parse(last.out).at("planned_writes").to_number<std::int64_t>() == 0);
  sandbox.stop();
}

}  // namespace zohosync::daemon::test
