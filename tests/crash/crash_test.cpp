// Crash safety: zohosync SIGKILLed at many moments of its cycles (listing,
// planning, the outbox commit, mid-batch writes, the journal commit) on one
// state dir against zoho-sandbox, restarted each time, then run to
// convergence: no person duplicated, no edit lost, every link in step, the
// state opens after every kill and a last reconcile plans nothing.
// CI size here; scripts/crash.sh runs the full size through the same cases.
#include <doctest/doctest.h>

#include <cstdio>

#include "tests/crash/harness.hpp"

namespace {

using zohosync::crash_test::coverage_table;
using zohosync::crash_test::HarnessResult;
using zohosync::crash_test::Mode;
using zohosync::crash_test::options_from_env;
using zohosync::crash_test::run_harness;

void report(const char* title, const HarnessResult& result) {
  std::printf("%s\n%s", title, coverage_table(result).c_str());
  for (const std::string& p : result.problems)
    std::printf("PROBLEM: %s\n", p.c_str());
  std::fflush(stdout);
}

}  // namespace

TEST_CASE("crash: reconcile killed in every phase converges without duplicates or lost edits") {
  HarnessResult result = run_harness(options_from_env(Mode::reconcile, 500, 20));
  report("zohosync reconcile, SIGKILL coverage:", result);
  CHECK(result.kills >= options_from_env(Mode::reconcile, 500, 20).kills);
  CHECK(result.inventory_person_deletes > 0);  // seen by a new process: no memory of listings
  CHECK(result.problems.empty());
}

TEST_CASE("crash: the daemon killed in every phase converges without duplicates or lost edits") {
  const auto options = options_from_env(Mode::daemon, 500, 10);
  HarnessResult result = run_harness(options);
  report("zohosync daemon, SIGKILL coverage:", result);
  CHECK(result.kills >= options.kills);
  CHECK(result.problems.empty());
}

TEST_CASE(
    "crash: the daemon with Projects and Contracts paced by small budgets (slices, writes held "
    "in the outbox) killed in every phase converges without duplicates or lost edits") {
  auto options = options_from_env(Mode::daemon, 500, 10);
  options.paced = true;
  HarnessResult result = run_harness(options);
  report("zohosync daemon, paced Projects and Contracts, SIGKILL coverage:", result);
  CHECK(result.kills >= options.kills);
  CHECK(result.runs_holding_writes > 0);  // the budgets did hold writes back
  CHECK(result.problems.empty());
}
