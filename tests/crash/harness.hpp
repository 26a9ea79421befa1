#pragma once
// The crash harness: a zoho-sandbox with a population of `people`, zohosync
// (`reconcile`, or the `daemon`) started again and again on one state dir and
// SIGKILLed at `kills` moments spread over every phase of a cycle, with new
// creates, updates and deletes made in the products before each start. After
// each kill `zohosync status` must open the state; at the end zohosync runs
// until it converges and the products, the state and the edits must agree.

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace zohosync::crash_test {

enum class Mode { reconcile, daemon };

struct HarnessOptions {
  Mode mode = Mode::reconcile;
  int people = 500;
  int kills = 20;
  unsigned seed = 1;
  // Projects and Contracts on small request budgets in the runs killed:
  // their listings read a slice per poll and writes the budget cannot pay
  // for wait in the outbox for a send-only pass (the daemon). The clean runs
  // that converge at the end keep the generous budgets.
  bool paced = false;
};

struct HarnessResult {
  std::map<std::string, int> aimed;   // kills aimed at each phase ("time": a random moment)
  std::map<std::string, int> landed;  // the phase each kill actually hit
  int kills = 0;                      // kill points survived
  int misses = 0;                     // starts that ended before their kill moment
  int converge_runs = 0;              // clean runs needed after the last kill
  int runs_holding_writes = 0;        // killed runs that held writes for a budget
  std::size_t updates = 0, creates = 0, deletes = 0;
  std::size_t inventory_person_deletes = 0;  // of `deletes`
  double seconds = 0;
  std::int64_t links_in_state = 0, links_in_products = 0;
  std::vector<std::string> problems;  // empty: every check held
};

HarnessResult run_harness(const HarnessOptions& options);

// "phase  aimed  landed" lines, one per phase, for the test output.
std::string coverage_table(const HarnessResult& result);

// Sizes from the environment (scripts/crash.sh sets them for the full run):
// ZOHOSYNC_CRASH_PEOPLE, ZOHOSYNC_CRASH_KILLS, ZOHOSYNC_CRASH_SEED.
HarnessOptions options_from_env(Mode mode, int people, int kills);

}  // namespace zohosync::crash_test
