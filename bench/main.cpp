// zohosync-bench: performance figures.
//   zohosync-bench engine  [--people N] [--json] [--crm-include RULE]   engine over in-memory products
//   zohosync-bench api     [--people N] [--json]   API calls against zoho-sandbox vs the minimum
//   zohosync-bench http    [--people N] [--json]   wall time of the cycles over HTTP
//   zohosync-bench latency [--poll-ms MS]... [--products P,P] [--limits] [--projects-only N]
//                          [--json]                  daemon edit-to-everywhere delay
//   zohosync-bench beside  [--people N] [--minutes M] [--every-s S] [--json]
//                          reconciles beside the daemon under Zoho's limits
//   zohosync-bench first-sync [--people N] [--json]
//                          the first reconcile of a shop under Zoho's limits

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <string>

#include "bench/beside_bench.hpp"
#include "bench/engine_bench.hpp"
#include "bench/first_sync_bench.hpp"
#include "bench/latency_bench.hpp"
#include "bench/sandbox_bench.hpp"

namespace {

namespace fs = std::filesystem;

int run_engine(std::size_t people, bool json, std::string dir,
               const std::vector<zohosync::common::IncludeRule>& crm_include) {
  bool remove_dir = false;
  if (dir.empty()) {
    std::string tmpl = (fs::temp_directory_path() / "zohosync-bench-XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) {
      std::perror("mkdtemp");
      return 1;
    }
    dir = tmpl;
    remove_dir = true;
  }
  int rc = 0;
  try {
    auto result =
        zohosync::bench::run_engine_bench(people, (fs::path(dir) / "state").string(), crm_include);
    std::fputs((json ? zohosync::bench::to_json(result) + "\n" : zohosync::bench::to_table(result))
                   .c_str(),
               stdout);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "zohosync-bench: %s\n", e.what());
    rc = 1;
  }
  if (remove_dir) {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  return rc;
}

}  // namespace

int main(int argc, char** argv) {
  namespace bench = zohosync::bench;
  CLI::App app{"zohosync benchmarks"};
  app.require_subcommand(1);
  bool json = false;

  auto* engine =
      app.add_subcommand("engine", "plan + apply over N generated people x 5 collections");
  std::size_t engine_people = 10'000;
  std::string dir;
  engine->add_option("--people", engine_people, "people to generate")->check(CLI::PositiveNumber);
  engine->add_flag("--json", json, "print one JSON object instead of a table");
  engine->add_option("--state-dir", dir, "where to put the LMDB state (default: a fresh temp dir)");
  std::vector<std::string> crm_include;
  engine->add_option("--crm-include", crm_include,
                     "an include rule for crm.contacts (repeatable), to measure selective sync");

  bench::SandboxBenchOptions sandbox_options;
  auto* api = app.add_subcommand(
      "api", "API calls per collection against zoho-sandbox: initial, no-change, 1% churn");
  auto* http = app.add_subcommand(
      "http", "wall time of the initial, no-change and 1% churn cycles over HTTP (zoho-sandbox)");
  for (CLI::App* sub : {api, http}) {
    sub->add_option("--people", sandbox_options.people, "people in the sandbox")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    sub->add_option("--seed", sandbox_options.seed, "sandbox seed")->capture_default_str();
    sub->add_flag("--json", json, "print one JSON object instead of a table");
  }

  bench::LatencyBenchOptions latency_options;
  auto* latency = app.add_subcommand(
      "latency", "zohosync daemon: edit in one product -> visible in every other, median and p95");
  latency->add_option("--people", latency_options.people, "people in the sandbox")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  latency->add_option("--samples", latency_options.samples, "edits per poll interval")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  latency->add_option("--poll-ms", latency_options.poll_ms, "poll intervals to measure (ms)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  latency
      ->add_option("--products", latency_options.products,
                   "where edits are made in turn, each timed until the others of the list show it")
      ->delimiter(',')
      ->check(CLI::IsMember({"crm", "projects", "inventory", "contracts"}))
      ->capture_default_str();
  latency->add_flag("--limits", latency_options.limits,
                    "the sandbox enforces Zoho's limits; the daemon keeps the default budgets "
                    "(everyone linked first by a reconcile)");
  latency
      ->add_option("--projects-only", latency_options.projects_only,
                   "extra people in Projects alone, five to a client (a large portal)")
      ->capture_default_str();
  latency->add_flag("--json", json, "print one JSON object instead of a table");

  bench::BesideBenchOptions beside_options;
  auto* beside = app.add_subcommand(
      "beside",
      "zohosync reconcile every 30 s beside the daemon, Zoho's limits on: refusals, "
      "exit codes, duplicates");
  beside->add_option("--people", beside_options.people, "people in the sandbox")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  beside->add_option("--minutes", beside_options.minutes, "how long reconciles are started")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  beside->add_option("--every-s", beside_options.every_s, "a reconcile started this often")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  beside->add_option("--poll-ms", beside_options.poll_ms, "the daemon's poll interval")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  beside->add_flag("--json", json, "print one JSON object instead of a table");

  bench::FirstSyncBenchOptions first_sync_options;
  auto* first_sync = app.add_subcommand(
      "first-sync",
      "the first zohosync reconcile of a shop, Zoho's limits on, default budgets: wall time, "
      "requests per product against their budget, refusals");
  first_sync->add_option("--people", first_sync_options.people, "people in the sandbox")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  first_sync->add_flag("--json", json, "print one JSON object instead of a table");
  CLI11_PARSE(app, argc, argv);

  if (engine->parsed()) {
    std::vector<zohosync::common::IncludeRule> rules;
    for (const auto& text : crm_include) {
      auto parsed = zohosync::common::parse_include_rule(text);
      if (!parsed.rule) {
        std::fprintf(stderr, "zohosync-bench: --crm-include \"%s\": %s\n", text.c_str(),
                     parsed.error.c_str());
        return 2;
      }
      rules.push_back(std::move(*parsed.rule));
    }
    return run_engine(engine_people, json, dir, rules);
  }
  try {
    if (api->parsed() || http->parsed()) {
      auto result = bench::run_sandbox_bench(sandbox_options);
      const bool calls = api->parsed();
      std::string out = json ? (calls ? bench::api_json(result) : bench::http_json(result)) + "\n"
                             : (calls ? bench::api_table(result) : bench::http_table(result));
      std::fputs(out.c_str(), stdout);
      return 0;
    }
    if (beside->parsed()) {
      auto result = bench::run_beside_bench(beside_options);
      std::fputs((json ? bench::beside_json(result) + "\n" : bench::beside_table(result)).c_str(),
                 stdout);
      return 0;
    }
    if (first_sync->parsed()) {
      auto result = bench::run_first_sync_bench(first_sync_options);
      std::fputs(
          (json ? bench::first_sync_json(result) + "\n" : bench::first_sync_table(result)).c_str(),
          stdout);
      return result.exit_code == 0 ? 0 : 1;
    }
    auto result = bench::run_latency_bench(latency_options);
    std::fputs((json ? bench::latency_json(result) + "\n" : bench::latency_table(result)).c_str(),
               stdout);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "zohosync-bench: %s\n", e.what());
    return 1;
  }
}
