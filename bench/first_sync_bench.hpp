#pragma once
// `zohosync-bench first-sync`: the first `zohosync reconcile` of a shop whose
// people are spread over the four products and linked nowhere yet, against
// a zoho-sandbox that enforces Zoho's limits, with zohosync's default
// budgets, as a new user runs it. Reports the wall time, the exit code, the
// requests per product against the time its default budget needs for them
// (the floor no scheduler can beat), the answers refused for a limit (the
// goal: none), and whether everyone ended in every product, each once.

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>

namespace zohosync::bench {

struct FirstSyncBenchOptions {
  std::size_t people = 2'000;
};

struct FirstSyncBenchResult {
  FirstSyncBenchOptions options;
  int exit_code = -1;  // -1: did not end within its bound
  double seconds = 0;
  std::int64_t limited = 0;                      // answers refused for a limit
  std::map<std::string, std::int64_t> requests;  // by product
  std::size_t duplicates = 0;                    // emails held twice within one collection
  std::size_t missing = 0;  // people not in every collection people are created in
};

FirstSyncBenchResult run_first_sync_bench(const FirstSyncBenchOptions& options);
std::string first_sync_json(const FirstSyncBenchResult& r);
std::string first_sync_table(const FirstSyncBenchResult& r);

}  // namespace zohosync::bench
