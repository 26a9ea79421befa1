#pragma once
// `zohosync-bench beside`: `zohosync reconcile` started every 30 s beside a
// running `zohosync daemon`, on one state dir, against a zoho-sandbox that
// enforces Zoho's limits, both with zohosync's default budgets. Before each
// reconcile a new person is added in CRM and one is edited, so both
// processes have writes to make; a few seconds into each reconcile, a CRM
// edit only the daemon can carry is timed until Inventory shows it (the
// daemon's cycles go on beside a reconcile). Reports every reconcile's exit
// code and time, those delays, the answers the sandbox refused for a limit during the run (the
// goal: none), and the emails a product holds twice at the end (the goal:
// none).

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace zohosync::bench {

struct BesideBenchOptions {
  std::size_t people = 500;
  int minutes = 10;     // how long reconciles are started
  int every_s = 30;     // one started this often (or as soon as the last ended)
  int poll_ms = 5'000;  // the daemon's poll interval
};

struct BesideRun {
  int exit_code = -1;  // -1: did not end within its bound
  double seconds = 0;
  // A CRM edit made a few seconds into the reconcile (after its CRM
  // listing), which only the daemon can carry: seconds until Inventory shows
  // it (-1: not within the bound), and whether the reconcile still ran then.
  double edit_seconds = -1;
  bool edit_beside = false;
};

struct BesideBenchResult {
  BesideBenchOptions options;
  std::vector<BesideRun> reconciles;
  std::int64_t limited = 0;                      // answers refused for a limit while reconciles ran
  std::map<std::string, std::int64_t> requests;  // by product, over the same time
  std::size_t duplicates = 0;  // emails held twice within one collection at the end
  bool converged = false;      // no duplicate, every person added in every create collection
  int daemon_exit = -1;        // after SIGTERM
};

BesideBenchResult run_beside_bench(const BesideBenchOptions& options);
std::string beside_json(const BesideBenchResult& r);
std::string beside_table(const BesideBenchResult& r);

}  // namespace zohosync::bench
