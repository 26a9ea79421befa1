#pragma once
// `zohosync-bench latency`: `zohosync daemon` as a process against a
// zoho-sandbox process. A person's last name is edited through
// /__sandbox/edit (round robin over CRM, Projects, Inventory and Contracts);
// the delay is the time until every other product shows the new name in
// /__sandbox/dump (polled every 50 ms, bounded). Median and p95 per poll
// interval.

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace zohosync::bench {

struct LatencyBenchOptions {
  std::size_t people = 1'000;
  std::size_t samples = 12;  // edits per poll interval
  std::vector<int> poll_ms = {2'000};
  // Where edits are made, in turn; each is timed until every other product
  // of this list shows it (crm, projects, inventory, contracts).
  std::vector<std::string> products = {"crm", "projects", "inventory", "contracts"};
  // The sandbox enforces Zoho's limits and the daemon keeps zohosync's
  // default budgets (everyone is linked first by a reconcile, limits off).
  bool limits = false;
  std::size_t projects_only = 0;  // extra people in Projects alone (a large portal)
};

struct LatencySample {
  std::string product;  // where the edit was made
  double seconds = 0;   // until visible everywhere else; < 0: not seen within the bound
};

struct LatencyRun {
  int poll_ms = 0;
  std::vector<LatencySample> samples;
  double median_s = 0;  // over the samples seen
  double p95_s = 0;
  std::size_t missed = 0;
  // From the sandbox's counters over the daemon's run: requests answered
  // with a limit (429, a lockout) and requests per product.
  std::int64_t limited = 0;
  std::map<std::string, std::int64_t> requests;
  // Where the daemon's Projects pass stood at the end (`zohosync status`).
  std::int64_t pass_read = -1, pass_total = -1;
};

struct LatencyBenchResult {
  std::size_t people = 0;
  std::size_t projects_only = 0;
  bool limits = false;
  std::vector<std::string> products;
  std::vector<LatencyRun> runs;
};

LatencyBenchResult run_latency_bench(const LatencyBenchOptions& options);
std::string latency_json(const LatencyBenchResult& r);
std::string latency_table(const LatencyBenchResult& r);

}  // namespace zohosync::bench
