#pragma once
// `zohosync-bench api` and `zohosync-bench http`: the real connectors and the
// engine, in this process, against a zoho-sandbox process on loopback.
// Three scenarios, each run to quiescence (a scenario's writes are read back
// as echoes by the next cycle, so each scenario ends with that settle cycle):
//   initial  the first cycle (full listings, everything linked and filled in)
//            and its settle cycle;
//   noop     one cycle after nothing changed;
//   churn    1% of the people edited through /__sandbox/edit (a last-name
//            change, round robin over CRM, Inventory, Projects, Contracts),
//            one cycle, then the settle cycle, which must plan zero writes
//            (no echo).
// API calls come from the sandbox's request counters, read around each cycle,
// and are set next to the fewest calls the APIs allow for the same work
// (see minimum_reads() / minimum_writes() in sandbox_bench.cpp).

#include <cstddef>
#include <map>
#include <string>
#include <vector>

namespace zohosync::bench {

struct SandboxBenchOptions {
  std::size_t people = 10'000;
  std::size_t seed = 1;
  // Sandbox clock seconds between cycles: beyond the CRM connector's 120 s
  // re-read overlap, as cycles a poll interval apart after a quiet spell.
  int gap_seconds = 300;
};

// Calls made to one collection in one scenario, and the fewest possible.
struct CollectionCalls {
  std::size_t reads = 0;   // GET
  std::size_t writes = 0;  // POST, PUT, PATCH, DELETE
  std::size_t min_reads = 0;
  std::size_t min_writes = 0;
  std::size_t records_written = 0;  // creates + updates + deletes confirmed
};

struct Cycle {
  std::string name;
  double seconds = 0;
  double client_cpu_s = 0;   // this process: connectors, engine, LMDB
  double sandbox_cpu_s = 0;  // the zoho-sandbox process answering
  std::size_t records_seen = 0;
  std::size_t planned_writes = 0;
  std::size_t confirmed = 0;
  std::size_t failed = 0;
};

struct Scenario {
  std::string name;  // initial | noop | churn
  std::vector<Cycle> cycles;
  std::map<std::string, CollectionCalls> calls;  // by collection ("oauth" for tokens)
  std::size_t made() const;
  std::size_t minimum() const;
};

// What the churn edits caused.
struct ChurnWrites {
  std::size_t edits = 0;           // UI edits made through /__sandbox/edit
  std::size_t update_actions = 0;  // updates the churn cycle planned
  std::size_t target_records = 0;  // distinct records those updates went to
  std::size_t echo_writes = 0;     // updates back to an edited record itself
  std::size_t field_changes = 0;   // changed fields over all updates
  std::size_t settle_planned = 0;  // writes the following cycle planned (goal 0)
};

struct SandboxBenchResult {
  std::size_t people = 0;
  std::vector<Scenario> scenarios;
  ChurnWrites churn;
  double ratio_made_to_minimum = 0;
};

SandboxBenchResult run_sandbox_bench(const SandboxBenchOptions& options);

std::string api_table(const SandboxBenchResult& r);
std::string api_json(const SandboxBenchResult& r);
std::string http_table(const SandboxBenchResult& r);
std::string http_json(const SandboxBenchResult& r);

}  // namespace zohosync::bench
