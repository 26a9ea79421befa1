#pragma once
// What the fault suites share: the zohosync configuration they run with
// (the sandbox's rate limits on, client budgets below them), `zohosync
// reconcile --json` with its report, and the sandbox's fault rules and
// counters. Processes, configuration files and the census of who is in which
// product come from tests/support.

#include <boost/json/object.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "tests/sandbox/test_client.hpp"
#include "tests/support/census.hpp"
#include "tests/support/run_zohosync.hpp"

namespace zohosync::faults::test {

namespace fs = std::filesystem;
using Millis = std::chrono::milliseconds;
using support::Census;
using support::census;
using support::create_collections;

// The sandbox's limits, scaled up from Zoho's so a few hundred people fit in
// seconds, kept in Zoho's shape (Inventory per minute and 10 concurrent,
// Projects per 2 minutes with a lock-out, CRM 10 concurrent and daily
// credits, the token endpoint 10 per 10 minutes).
std::vector<std::string> limited_sandbox_args(int people, int seed);

struct ConfigOptions {
  std::uint16_t sandbox_port = 0;
  fs::path state_dir;
  std::string on_delete = "unlink";
  Millis timeout{1000};  // per request: a hang costs this much
  int retries = 3;
  Millis poll{2000};  // daemon only
};
// Writes zohosync.toml for limited_sandbox_args into `dir` (metrics on a free
// loopback port); returns its path.
std::string limited_config(const fs::path& dir, const ConfigOptions& options);

struct ReconcileRun : support::Run {
  boost::json::object report;  // the --json document (empty when it did not parse)
};
// `zohosync reconcile --json --config CONFIG` as a child process, killed at `limit`.
ReconcileRun reconcile(const std::string& config, Millis limit);

// The six transport and answer faults at `total` of all calls (token
// endpoint included), spread evenly; hangs last `hang_ms`.
void add_random_faults(sandbox::test::session& sb, double total, int hang_ms);
void add_fault(sandbox::test::session& sb, const boost::json::object& rule);
void clear_faults(sandbox::test::session& sb);
// Faults fired so far, by kind.
std::map<std::string, std::int64_t> faults_fired(sandbox::test::session& sb);
// Calls refused by the sandbox's own rate limits (never the injected ones).
std::int64_t limited_total(sandbox::test::session& sb);
std::map<std::string, std::int64_t> calls_by_product(sandbox::test::session& sb);
// Expires every issued access token as Zoho may before its announced time:
// moves the sandbox clock past the token lifetime.
void expire_tokens(sandbox::test::session& sb);

}  // namespace zohosync::faults::test
