#include "tests/crash/harness.hpp"

#include <signal.h>

#include <boost/json.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>

#include "tests/crash/kill_run.hpp"
#include "tests/crash/world.hpp"
#include "tests/sandbox/test_client.hpp"
#include "tests/support/files.hpp"
#include "tests/support/run_zohosync.hpp"
#include "tests/support/temp_dir.hpp"

namespace zohosync::crash_test {

namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using std::chrono::milliseconds;
using support::Run;
using support::run_zohosync;
using Clock = std::chrono::steady_clock;

// config/sandbox.toml with three changes: client-side request budgets far
// above what a run needs (the sandbox runs with --no-limits, and the shipped
// budgets pace a few thousand writes over many minutes), deletes propagate
// (so that deletes are exercised and a resurrection would show), and the
// daemon polls every second. `paced`: Projects and Contracts get 20 requests
// every 10 s instead, far too few for a run's listings and writes.
std::string crash_config(const fs::path& dir, bool paced) {
  std::string text = support::read_file(std::string(ZOHOSYNC_SOURCE_DIR) + "/config/sandbox.toml");
  auto replace_all = [&](const std::string& from, const std::string& to) {
    std::size_t n = 0;
    for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
      text.replace(at, from.size(), to);
      ++n;
    }
    if (n == 0)
      throw std::runtime_error("config/sandbox.toml no longer has: " + from);
  };
  std::string budgets;
  for (const std::string product : {"inventory", "projects", "crm", "contracts"}) {
    const bool small = paced && (product == "projects" || product == "contracts");
    budgets += "[http." + product + "]\n" +
               (small ? std::string("requests = 20\nwindow = \"10s\"\n")
                      : std::string("requests = 1000000\nwindow = \"1s\"\n")) +
               "concurrency = 8\n";
  }
  replace_all("[http.contracts]\nrequests = 600\nwindow = \"1m\"\n", budgets);
  replace_all("on_delete = \"unlink\"", "on_delete = \"propagate\"");
  replace_all("poll_interval = \"10s\"", "poll_interval = \"1s\"");
  replace_all("poll_jitter = \"1s\"", "poll_jitter = \"200ms\"");
  const fs::path path = dir / (paced ? "crash-paced.toml" : "crash.toml");
  std::ofstream(path) << text;
  return path.string();
}

// The first JSON object line of a child's output (warnings may precede it).
std::optional<json::object> json_line(const std::string& output) {
  std::istringstream lines(output);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line.front() != '{')
      continue;
    boost::system::error_code ec;
    json::value v = json::parse(line, ec);
    if (!ec && v.is_object())
      return v.as_object();
  }
  return std::nullopt;
}

class Harness {
 public:
  explicit Harness(const HarnessOptions& options)
      : options_(options),
        sandbox_({"--people", std::to_string(options.people), "--seed",
                  std::to_string(options.seed), "--overlap", "0.5", "--duplicates", "0",
                  "--email-variants", "0", "--no-email", "0", "--no-limits",
                  "--person-bumps-contact"}),
        session_(sandbox_.port()),
        world_(session_, options.seed),
        random_(options.seed),
        config_(crash_config(dir_.path(), false)),
        killed_config_(crash_config(dir_.path(), options.paced)),
        state_dir_(dir_.sub("state")),
        fifo_(dir_.path() / "zohosync.fifo") {}

  HarnessResult run() {
    const auto start = Clock::now();
    // Paced budgets read the first listing ever (every client and
    // counterparty at once) for minutes: everyone is linked by a clean run
    // first, and the runs killed read Projects and Contracts in slices.
    if (options_.paced) {
      Run first = run_zohosync(args("reconcile", "warn", true), {.limit = milliseconds(300000)});
      if (first.exit_code != 0)
        problem("the first reconcile failed:\n" + tail(first.err + first.out));
      linked_ = true;
    }
    int attempts = 0;
    std::optional<KillTarget> retry;
    // The planned kills, then (bounded) more at any phase none of them hit: a
    // loaded machine can make a kill aimed at a short phase land in the next.
    while (attempts++ < options_.kills * 3 + 30) {
      if (result_.kills >= options_.kills && !retry) {
        retry = missing_phase();
        if (!retry)
          break;
      }
      KillTarget target = retry ? *retry : next_target();
      retry.reset();
      make_edits();
      const auto started = Clock::now();
      KillOutcome outcome = run_and_kill(
          ZOHOSYNC_EXE,
          args(options_.mode == Mode::daemon ? "daemon" : "reconcile", "debug", false, true), fifo_,
          target, milliseconds(options_.mode == Mode::daemon ? 20000 : 60000));
      if (outcome.output.find("cycle phase=done") != std::string::npos)
        linked_ = true;
      if (outcome.output.find("wait in the outbox for the request budget") != std::string::npos)
        ++result_.runs_holding_writes;
      last_run_ms_ = static_cast<int>(
          std::chrono::duration_cast<milliseconds>(Clock::now() - started).count());
      if (verbose_) {
        std::printf("target %s #%d +%lldus: %s %s\n", target.phase.c_str(), target.nth,
                    static_cast<long long>(target.delay.count()),
                    outcome.killed ? "killed in" : "ended first, after", outcome.landed.c_str());
        if (!outcome.killed)
          std::printf("%s\n", tail(outcome.output).c_str());
      }
      if (!outcome.killed) {
        // Ended before the moment came: the same target again, at its first line.
        ++result_.misses;
        if (outcome.exit_code != 0 && outcome.exit_code != 1)
          problem("zohosync ended with " + std::to_string(outcome.exit_code) +
                  " before its kill:\n" + tail(outcome.output));
        if (target.phase != "time") {
          target.nth = 1;
          retry = target;
        }
        continue;
      }
      ++result_.kills;
      ++result_.aimed[target.phase];
      ++result_.landed[outcome.landed];
      check_state_opens();
    }
    converge();
    final_checks();
    result_.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    const EditCounts& totals = world_.totals();
    result_.updates = totals.updates;
    result_.creates = totals.creates;
    result_.deletes = totals.deletes;
    result_.inventory_person_deletes = totals.inventory_person_deletes;
    for (const std::string& p : world_.problems())
      problem(p);
    for (const std::string& phase : kPhases) {
      if (result_.landed[phase] == 0)
        problem("no kill landed in phase " + phase);
    }
    return std::move(result_);
  }

 private:
  std::vector<std::string> args(const std::string& command, const std::string& level,
                                bool json = false, bool killed = false) const {
    std::vector<std::string> a{command,      "--config",    killed ? killed_config_ : config_,
                               "--base-url", base_url(),    "--state-dir",
                               state_dir_,   "--log-level", level};
    if (json)
      a.push_back("--json");
    return a;
  }
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(sandbox_.port()); }

  // Phases in turn, every eighth kill at a random time instead; the Nth
  // marker and the delay after it are random within what each phase allows
  // (plan, outbox and journal are short: a long delay would overshoot them).
  KillTarget next_target() {
    const int i = next_++;
    KillTarget t;
    auto pick = [&](int lo, int hi) { return lo + static_cast<int>(random_() % (hi - lo + 1)); };
    if (i % 8 == 7) {
      t.phase = "time";
      t.delay = std::chrono::microseconds(pick(0, std::max(1, last_run_ms_)) * 1000);
      return t;
    }
    t.phase = kPhases[static_cast<std::size_t>(i - i / 8) % kPhases.size()];
    const bool daemon = options_.mode == Mode::daemon;
    if (t.phase == "listing") {
      t.nth = daemon ? pick(1, 6) : 1;
      t.delay = std::chrono::microseconds(pick(0, 20000));
    } else if (t.phase == "plan") {
      t.nth = daemon ? pick(1, 3) : 1;
      t.delay = std::chrono::microseconds(pick(0, 2000));
    } else if (t.phase == "send") {
      // The daemon's first cycle after a start takes in every edit made
      // before it: one batch, so the first line.
      t.nth = daemon ? 1 : pick(1, 3);
      t.delay = std::chrono::microseconds(pick(0, 5000));
    } else {
      t.nth = daemon ? 1 : pick(1, 2);
    }
    return t;
  }

  // A kill at the first line of a phase no kill has hit yet, if any.
  std::optional<KillTarget> missing_phase() {
    for (const std::string& phase : kPhases) {
      if (result_.landed[phase] == 0)
        return KillTarget{phase, 1, std::chrono::microseconds(0)};
    }
    return std::nullopt;
  }

  // New work before every start, so that every phase has something to do.
  void make_edits() {
    // Until a cycle has completed, the people are not linked yet: a value
    // changed in one product then meets the others' at first sight, where the
    // conflict policy decides (not an edit that must win), and a record
    // deleted then was never known. Only creates until then.
    const std::size_t updates = linked_ ? std::max(3, options_.people / 150) : 0;
    const std::size_t deletes = (linked_ && edits_++ % 2 == 0) ? 1 : 0;
    world_.edit(updates, 1, deletes);
  }

  void check_state_opens() {
    Run status = run_zohosync(args("status", "warn", true), {.limit = milliseconds(30000)});
    if (status.exit_code != 0 || !json_line(status.out))
      problem("zohosync status failed after a kill (exit " +
              std::to_string(status.exit_code.value_or(-1)) + "):\n" +
              tail(status.err + status.out));
  }

  // Clean runs until one plans nothing (bounded).
  void converge() {
    for (int i = 0; i < 6; ++i) {
      ++result_.converge_runs;
      Run run = run_zohosync(args("reconcile", "warn", true), {.limit = milliseconds(300000)});
      auto report = json_line(run.out);
      if (run.exit_code == 0 && report && report->at("planned_writes").to_number<int>() == 0)
        return;
    }
    problem("no convergence after 6 clean runs");
  }

  void final_checks() {
    const json::object dump = session_.dump();
    for (const std::string& p : world_.check(dump))
      problem(p);

    Run status = run_zohosync(args("status", "warn", true), {.limit = milliseconds(30000)});
    auto doc = json_line(status.out);
    if (status.exit_code != 0 || !doc) {
      problem("zohosync status failed at the end:\n" + tail(status.err + status.out));
    } else {
      const json::object& entries = doc->at("entries").as_object();
      auto count = [&](const char* db) {
        auto it = entries.find(db);
        return it == entries.end() ? std::int64_t{0} : it->value().to_number<std::int64_t>();
      };
      const World::Counts expected = World::expected_counts(dump);
      auto expect = [&](const char* db, std::int64_t want) {
        if (count(db) != want)
          problem(std::string("status: ") + db + " = " + std::to_string(count(db)) +
                  ", the products say " + std::to_string(want));
      };
      expect("outbox", 0);
      expect("conflicts", 0);
      expect("people", static_cast<std::int64_t>(expected.people));
      expect("links", static_cast<std::int64_t>(expected.links));
      result_.links_in_state = count("links");
      result_.links_in_products = static_cast<std::int64_t>(expected.links);
    }

    if (verbose_) {
      // Kept for a look afterwards: zohosync journal --state-dir ...
      const fs::path keep = fs::temp_directory_path() / "zohosync-crash-last";
      fs::remove_all(keep);
      fs::create_directories(keep);
      fs::copy(state_dir_, keep / "state", fs::copy_options::recursive);
      std::ofstream(keep / "dump.json") << json::serialize(dump);
      std::printf("state and dump kept in %s\n", keep.c_str());
    }

    Run last = run_zohosync(args("reconcile", "warn", true), {.limit = milliseconds(300000)});
    auto report = json_line(last.out);
    if (last.exit_code != 0 || !report || report->at("planned_writes").to_number<int>() != 0)
      problem("the final reconcile planned writes or failed (exit " +
              std::to_string(last.exit_code.value_or(-1)) + "):\n" + tail(last.err + last.out));
  }

  static std::string tail(const std::string& text) {
    return text.size() > 3000 ? text.substr(text.size() - 3000) : text;
  }
  void problem(std::string p) { result_.problems.push_back(std::move(p)); }

  HarnessOptions options_;
  support::TempDir dir_;
  sandbox::test::sandbox_process sandbox_;
  sandbox::test::session session_;
  World world_;
  std::mt19937 random_;
  std::string config_;         // the clean runs
  std::string killed_config_;  // the runs killed (paced budgets, when asked)
  std::string state_dir_;
  fs::path fifo_;
  int next_ = 0;
  int edits_ = 0;
  bool linked_ = false;    // a cycle has run to its end: every person is linked
  int last_run_ms_ = 500;  // how long the last start ran, for kills at a random time
  bool verbose_ = std::getenv("ZOHOSYNC_CRASH_VERBOSE") != nullptr;
  HarnessResult result_;
};

}  // namespace

HarnessResult run_harness(const HarnessOptions& options) {
  Harness harness(options);
  return harness.run();
}

std::string coverage_table(const HarnessResult& r) {
  std::string out = "phase      aimed  landed\n";
  std::vector<std::string> rows = kPhases;
  for (const char* extra : {"time", "start", "resume", "done"})
    rows.push_back(extra);
  for (const auto& [phase, n] : r.landed) {
    if (std::find(rows.begin(), rows.end(), phase) == rows.end())
      rows.push_back(phase);
  }
  for (const std::string& phase : rows) {
    auto a = r.aimed.find(phase);
    auto l = r.landed.find(phase);
    char line[80];
    std::snprintf(line, sizeof line, "%-10s %5d  %6d\n", phase.c_str(),
                  a == r.aimed.end() ? 0 : a->second, l == r.landed.end() ? 0 : l->second);
    out += line;
  }
  char totals[260];
  std::snprintf(totals, sizeof totals,
                "kills survived: %d (starts that ended first: %d), clean runs to converge: %d, "
                "edits: %zu updates, %zu creates, %zu deletes (%zu in Inventory contact persons), "
                "wall time %.1f s\n",
                r.kills, r.misses, r.converge_runs, r.updates, r.creates, r.deletes,
                r.inventory_person_deletes, r.seconds);
  char links[120];
  std::snprintf(links, sizeof links, "links in the state: %lld, records with an email: %lld\n",
                static_cast<long long>(r.links_in_state),
                static_cast<long long>(r.links_in_products));
  return out + totals + links;
}

HarnessOptions options_from_env(Mode mode, int people, int kills) {
  HarnessOptions o;
  o.mode = mode;
  o.people = people;
  o.kills = kills;
  if (const char* v = std::getenv("ZOHOSYNC_CRASH_PEOPLE"))
    o.people = std::atoi(v);
  if (const char* v = std::getenv("ZOHOSYNC_CRASH_KILLS"))
    o.kills = std::atoi(v);
  if (const char* v = std::getenv("ZOHOSYNC_CRASH_SEED"))
    o.seed = static_cast<unsigned>(std::atoi(v));
  return o;
}

}  // namespace zohosync::crash_test
