#include "bench/first_sync_bench.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <set>

#include "bench/daemon_fixture.hpp"
#include "tests/daemon/process.hpp"
#include "tests/sandbox/test_client.hpp"
#include "tests/support/census.hpp"

namespace zohosync::bench {

namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using SteadyClock = std::chrono::steady_clock;

// zohosync's default budget per product (config.hpp, HttpConfig): requests
// per window. CRM's daily credits are far from a first sync's needs.
struct Budget {
  double requests, window_s;
};
Budget default_budget(const std::string& product) {
  if (product == "projects")
    return {100, 120};
  if (product == "contracts")
    return {60, 60};
  return {100, 60};  // inventory, crm
}

// The least time `n` requests take within the product's default budget: the
// first window's worth at once, the rest at the budget's pace.
double budget_floor_s(const std::string& product, std::int64_t n) {
  const Budget b = default_budget(product);
  return std::max(0.0, static_cast<double>(n) - b.requests) * b.window_s / b.requests;
}

}  // namespace

FirstSyncBenchResult run_first_sync_bench(const FirstSyncBenchOptions& options) {
  FirstSyncBenchResult result;
  result.options = options;
  BenchDir dir;
  // Zoho's limits on from the start (the sandbox's default), no duplicates
  // within a product to begin with: every one at the end was made here.
  sandbox::test::sandbox_process sandbox(
      {"--seed", "8", "--people", std::to_string(options.people), "--duplicates", "0"});
  sandbox::test::session sb(sandbox.port());
  const std::string contacts = make_default_contacts(sb, options.people);
  const std::string config = write_daemon_config(dir.path(), sandbox.port(), sb.info, 5'000,
                                                 /*generous=*/false, "first.toml", contacts);
  std::set<std::string> people;
  {
    const support::Census before = support::census(sb.dump());
    for (const std::string& collection : support::create_collections())
      for (const auto& [email, n] : before.by_collection.at(collection))
        people.insert(email);
  }
  const RequestCounts before = request_counts(sb);
  const auto started = SteadyClock::now();
  daemon::test::ChildProcess reconcile(ZOHOSYNC_EXE, {"reconcile", "--config", config}, {},
                                       dir.path() / "reconcile.log");
  const auto code = reconcile.wait(std::chrono::milliseconds(std::chrono::hours(6)));
  result.seconds = std::chrono::duration<double>(SteadyClock::now() - started).count();
  result.exit_code = code ? *code : -1;
  const RequestCounts spent = spent_between(before, request_counts(sb));
  result.limited = spent.limited;
  result.requests = spent.by_product;
  const support::Census after = support::census(sb.dump());
  result.duplicates = after.duplicates().size();
  result.missing = after.missing(people).size();
  sandbox.stop();
  return result;
}

std::string first_sync_json(const FirstSyncBenchResult& r) {
  json::object requests, floor_s;
  for (const auto& [product, n] : r.requests) {
    requests[product] = n;
    floor_s[product] = budget_floor_s(product, n);
  }
  return json::serialize(json::object{{"bench", "first-sync"},
                                      {"people", r.options.people},
                                      {"exit_code", r.exit_code},
                                      {"seconds", r.seconds},
                                      {"limited_answers", r.limited},
                                      {"requests", std::move(requests)},
                                      {"budget_floor_s", std::move(floor_s)},
                                      {"duplicates", r.duplicates},
                                      {"missing", r.missing}});
}

std::string first_sync_table(const FirstSyncBenchResult& r) {
  std::string requests;
  double floor = 0;
  for (const auto& [product, n] : r.requests) {
    const double need = budget_floor_s(product, n);
    floor = std::max(floor, need);
    char line[160];
    std::snprintf(line, sizeof line,
                  "  %-10s %7lld requests, at least %6.0f s within its default budget\n",
                  product.c_str(), static_cast<long long>(n), need);
    requests += line;
  }
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "first-sync bench: the first zohosync reconcile of %zu people, Zoho's limits on, "
                "default budgets\n"
                "wall %.0f s (the slowest product's budget alone needs %.0f s), exit code %d\n"
                "answers refused for a limit: %lld (goal 0)\n"
                "emails held twice within a product: %zu (goal 0); people missing from a "
                "product: %zu (goal 0)\n"
                "requests:\n",
                r.options.people, r.seconds, floor, r.exit_code, static_cast<long long>(r.limited),
                r.duplicates, r.missing);
  return buf + requests;
}

}  // namespace zohosync::bench
