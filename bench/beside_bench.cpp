#include "bench/beside_bench.hpp"

#include <signal.h>

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <set>
#include <stdexcept>
#include <thread>

#include "bench/daemon_fixture.hpp"
#include "tests/daemon/process.hpp"
#include "tests/sandbox/test_client.hpp"
#include "tests/support/census.hpp"
#include "tests/support/propagation.hpp"

namespace zohosync::bench {

namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using daemon::test::ChildProcess;
using daemon::test::NotifySocket;
using sandbox::test::sandbox_process;
using sandbox::test::session;
using SteadyClock = std::chrono::steady_clock;

}  // namespace

BesideBenchResult run_beside_bench(const BesideBenchOptions& options) {
  BesideBenchResult result;
  result.options = options;
  BenchDir dir;
  sandbox_process sandbox({"--seed", "6", "--people", std::to_string(options.people), "--no-limits",
                           "--person-bumps-contact", "--duplicates", "0"});
  session sb(sandbox.port());
  const std::string contacts = make_default_contacts(sb, options.people);
  link_then_enforce_limits(sb, dir.path(), sandbox.port(), contacts);
  const std::string config =
      write_daemon_config(dir.path(), sandbox.port(), sb.info, options.poll_ms,
                          /*generous=*/false, "daemon.toml", contacts);
  NotifySocket notify(dir.path() / "notify");
  ChildProcess zohosync(ZOHOSYNC_EXE, {"daemon", "--config", config},
                        {{"NOTIFY_SOCKET", notify.path()}}, dir.path() / "daemon.log");
  if (!notify.wait_for("READY=1", std::chrono::milliseconds(120s)))
    throw std::runtime_error("bench: the daemon did not get ready:\n" +
                             daemon::test::read_file(dir.path() / "daemon.log"));
  const RequestCounts before = request_counts(sb);
  const std::optional<support::CrmPerson> probe =
      support::crm_person_also_in(sb.dump(), "inventory.contact_persons");
  if (!probe)
    throw std::runtime_error("bench: no person in both CRM and Inventory");

  std::vector<std::string> added;
  const auto end = SteadyClock::now() + std::chrono::minutes(options.minutes);
  for (int k = 0; SteadyClock::now() < end; ++k) {
    const auto started = SteadyClock::now();
    // Something for both processes to write: a new person in CRM.
    const std::string email = "beside" + std::to_string(k) + "@bench.example";
    json::object body{{"product", "crm"},
                      {"collection", "contacts"},
                      {"op", "create"},
                      {"fields", json::object{{"Email", email},
                                              {"First_Name", "Beside"},
                                              {"Last_Name", "Run" + std::to_string(k)}}}};
    const int status = sb.admin_post("edit", json::serialize(body)).status;
    if (status != 200 && status != 201)
      throw std::runtime_error("bench: /__sandbox/edit refused a create");
    added.push_back(email);
    ChildProcess reconcile(ZOHOSYNC_EXE, {"reconcile", "--config", config}, {},
                           dir.path() / ("reconcile-" + std::to_string(k) + ".log"));
    BesideRun run;
    // Past the reconcile's CRM listing (its listings start together and
    // CRM's takes a few requests), the daemon alone can carry this edit.
    std::this_thread::sleep_for(3s);
    const std::string last_name = "Probe" + std::to_string(k);
    const json::object edit{{"product", "crm"},
                            {"op", "update"},
                            {"id", probe->id},
                            {"fields", json::object{{"Last_Name", last_name}}}};
    if (sb.admin_post("edit", json::serialize(edit)).status != 200)
      throw std::runtime_error("bench: /__sandbox/edit refused an update");
    if (const auto delay =
            support::wait_until_shown([&] { return sb.dump(); }, "inventory.contact_persons",
                                      probe->email, "last_name", last_name, 900s)) {
      run.edit_seconds = std::chrono::duration<double>(*delay).count();
      run.edit_beside = reconcile.running();
    }
    const auto code = reconcile.wait(std::chrono::milliseconds(900s));
    run.exit_code = code ? *code : -1;
    run.seconds = std::chrono::duration<double>(SteadyClock::now() - started).count();
    result.reconciles.push_back(run);
    const auto next = started + std::chrono::seconds(options.every_s);
    if (SteadyClock::now() < next && next < end)
      std::this_thread::sleep_until(next);
  }
  const RequestCounts spent = spent_between(before, request_counts(sb));
  result.limited = spent.limited;
  result.requests = spent.by_product;

  // The daemon finishes what the last reconcile left: every person added is
  // in every product, each email once (bounded).
  const auto settle = SteadyClock::now();
  const std::set<std::string> people(added.begin(), added.end());
  do {
    const support::Census now = support::census(sb.dump());
    result.duplicates = now.duplicates().size();
    result.converged = result.duplicates == 0 && now.missing(people).empty();
    if (!result.converged)
      std::this_thread::sleep_for(1s);
  } while (!result.converged && SteadyClock::now() - settle < 120s);
  zohosync.signal(SIGTERM);
  const auto code = zohosync.wait(std::chrono::milliseconds(20s));
  if (!code)
    zohosync.signal(SIGKILL);
  result.daemon_exit = code ? *code : -1;
  sandbox.stop();
  return result;
}

std::string beside_json(const BesideBenchResult& r) {
  json::array runs;
  for (const BesideRun& run : r.reconciles)
    runs.push_back(json::object{{"exit_code", run.exit_code},
                                {"seconds", run.seconds},
                                {"edit_seconds", run.edit_seconds},
                                {"edit_while_reconcile_ran", run.edit_beside}});
  json::object requests;
  for (const auto& [product, n] : r.requests)
    requests[product] = n;
  return json::serialize(json::object{{"bench", "beside"},
                                      {"people", r.options.people},
                                      {"minutes", r.options.minutes},
                                      {"every_s", r.options.every_s},
                                      {"poll_interval_s", r.options.poll_ms / 1000.0},
                                      {"reconciles", std::move(runs)},
                                      {"limited_answers", r.limited},
                                      {"requests", std::move(requests)},
                                      {"duplicates", r.duplicates},
                                      {"converged", r.converged},
                                      {"daemon_exit", r.daemon_exit}});
}

std::string beside_table(const BesideBenchResult& r) {
  std::size_t failed = 0, edits_beside = 0, edits_lost = 0;
  double longest = 0, total = 0, edit_longest = 0, edit_total = 0;
  for (const BesideRun& run : r.reconciles) {
    failed += run.exit_code != 0 ? 1 : 0;
    longest = std::max(longest, run.seconds);
    total += run.seconds;
    if (run.edit_seconds < 0) {
      ++edits_lost;
      continue;
    }
    edits_beside += run.edit_beside ? 1 : 0;
    edit_longest = std::max(edit_longest, run.edit_seconds);
    edit_total += run.edit_seconds;
  }
  const std::size_t edits = r.reconciles.size() - edits_lost;
  std::string requests;
  for (const auto& [product, n] : r.requests)
    requests += " " + product + " " + std::to_string(n);
  char buf[1024];
  std::snprintf(
      buf, sizeof buf,
      "beside bench: zohosync reconcile every %d s for %d min beside zohosync daemon (%d ms "
      "polls), %zu people, Zoho's limits on, default budgets\n"
      "reconciles: %zu, exit code not 0: %zu, mean %.1f s, longest %.1f s\n"
      "CRM edit 3 s into each reconcile -> Inventory (the daemon): mean %.1f s, longest %.1f s, "
      "%zu of %zu arrived while the reconcile still ran, %zu not seen\n"
      "answers refused for a limit: %lld (goal 0)\n"
      "requests during the run:%s\n"
      "emails held twice within a product: %zu (goal 0); every person added everywhere: %s; "
      "daemon exit on SIGTERM: %d\n",
      r.options.every_s, r.options.minutes, r.options.poll_ms, r.options.people,
      r.reconciles.size(), failed, r.reconciles.empty() ? 0.0 : total / r.reconciles.size(),
      longest, edits == 0 ? 0.0 : edit_total / edits, edit_longest, edits_beside, edits, edits_lost,
      static_cast<long long>(r.limited), requests.c_str(), r.duplicates, r.converged ? "yes" : "no",
      r.daemon_exit);
  return buf;
}

}  // namespace zohosync::bench
