#pragma once
// `zohosync-bench latency`: `zohosync daemon` as a process against a
// zoho-sandbox process. A person's last name is edited through
// /__sandbox/edit (round robin over CRM, Projects, Inventory and Contracts);
// the delay is the time until every other product shows the new name in
// /__sandbox/dump (polled every 50 ms, bounded). Median and p95 per poll
// interval.

#include <cstddef>
#include <string>
#include <vector>

namespace zohosync::bench {

struct LatencyBenchOptions {
  std::size_t people = 1'000;
  std::size_t samples = 12;  // edits per poll interval
  std::vector<int> poll_ms = {2'000};
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
};

struct LatencyBenchResult {
  std::size_t people = 0;
  std::vector<LatencyRun> runs;
};

LatencyBenchResult run_latency_bench(const LatencyBenchOptions& options);
std::string latency_json(const LatencyBenchResult& r);
std::string latency_table(const LatencyBenchResult& r);

}  // namespace zohosync::bench
