#include "bench/latency_bench.hpp"

#include "bench/daemon_fixture.hpp"

#include <signal.h>
#include <stdlib.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <stdexcept>
#include <thread>

#include "tests/daemon/process.hpp"
#include "tests/sandbox/test_client.hpp"

namespace zohosync::bench {

namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using namespace std::chrono_literals;
using daemon::test::ChildProcess;
using daemon::test::NotifySocket;
using sandbox::test::sandbox_process;
using sandbox::test::session;

std::string lower(std::string s) {
  for (char& c : s)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string text(const json::object& o, const char* key) {
  auto it = o.find(key);
  return it != o.end() && it->value().is_string() ? std::string(it->value().as_string()) : "";
}

// Where each product keeps the people the bench edits, and its field names.
struct Place {
  const char* product;
  const char* collection;  // the dump's list and the edit's collection
  const char* email;
  const char* id;
  const char* last_name;  // Contracts: the full name
};
constexpr Place kPlaces[] = {
    {"crm", "contacts", "Email", "id", "Last_Name"},
    {"projects", "contacts", "email", "id", "last_name"},
    {"inventory", "contact_persons", "email", "contact_person_id", "last_name"},
    {"contracts", "counterpartyusers", "emailId", "id", "displayName"},
};

const json::object* find(const json::object& dump, const Place& p, const std::string& email) {
  const json::object* found = nullptr;
  for (const auto& v : dump.at(p.product).as_object().at(p.collection).as_array()) {
    if (lower(text(v.as_object(), p.email)) == email) {
      if (found != nullptr)
        return nullptr;  // a duplicate: not a clean sample
      found = &v.as_object();
    }
  }
  return found;
}

bool shows(const json::object& record, const Place& p, const std::string& last) {
  const std::string value = text(record, p.last_name);
  if (std::string(p.product) == "contracts")
    return value.size() >= last.size() &&
           value.compare(value.size() - last.size(), last.size(), last) == 0;
  return value == last;
}

double quantile(std::vector<double> v, double q) {
  if (v.empty())
    return 0;
  std::sort(v.begin(), v.end());
  // Nearest rank: the smallest value with at least q of the samples at or below it.
  const auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(v.size())));
  return v[std::clamp<std::size_t>(rank, 1, v.size()) - 1];
}

LatencyRun run_one(const LatencyBenchOptions& options, int poll_ms) {
  LatencyRun run;
  run.poll_ms = poll_ms;
  BenchDir dir;
  sandbox_process sandbox({"--seed", "5", "--people", std::to_string(options.people), "--no-limits",
                           "--person-bumps-contact", "--duplicates", "0", "--projects-only",
                           std::to_string(options.projects_only)});
  session sb(sandbox.port());
  const std::string contacts = make_default_contacts(sb, options.people + options.projects_only);
  const std::string config = write_daemon_config(dir.path(), sandbox.port(), sb.info, poll_ms,
                                                 !options.limits, "daemon.toml", contacts);
  // With limits: everyone linked first, limits off; then Zoho's limits on,
  // and the daemon runs with zohosync's default budgets.
  if (options.limits)
    link_then_enforce_limits(sb, dir.path(), sandbox.port(), contacts);
  const RequestCounts before = request_counts(sb);
  NotifySocket notify(dir.path() / "notify");
  ChildProcess zohosync(ZOHOSYNC_EXE, {"daemon", "--config", config},
                        {{"NOTIFY_SOCKET", notify.path()}}, dir.path() / "daemon.log");
  if (!notify.wait_for("READY=1", std::chrono::milliseconds(120s)))
    throw std::runtime_error("bench: the daemon did not get ready:\n" +
                             daemon::test::read_file(dir.path() / "daemon.log"));
  // Let the echoes of the initial sync settle: two more poll rounds, but no
  // more than 15 s (the initial sync of a few hundred people takes about a
  // second): at the default 5-minute interval the edits start before the
  // second poll, whose writes then meet them like any other cycle's.
  std::this_thread::sleep_for(std::chrono::milliseconds(std::min(2 * poll_ms + 500, 15'000)));

  std::vector<const Place*> places;
  for (const std::string& product : options.products) {
    for (const Place& p : kPlaces) {
      if (product == p.product)
        places.push_back(&p);
    }
  }
  if (places.size() < 2)
    throw std::runtime_error("bench: --products needs two of crm, projects, inventory, contracts");
  // A dump of a large portal is big: looked at less often.
  const auto look_every = options.people + options.projects_only > 5'000 ? 250ms : 50ms;

  // People every product holds once.
  json::object dump = sb.dump();
  std::vector<std::string> emails;
  for (const auto& v : dump.at("crm").as_object().at("contacts").as_array()) {
    const std::string email = lower(text(v.as_object(), "Email"));
    if (email.empty())
      continue;
    bool everywhere = true;
    for (const Place& p : kPlaces)
      everywhere = everywhere && find(dump, p, email) != nullptr;
    if (everywhere)
      emails.push_back(email);
    if (emails.size() == options.samples)
      break;
  }
  const auto bound = std::chrono::milliseconds(4 * poll_ms + 20'000);
  for (std::size_t i = 0; i < emails.size(); ++i) {
    const Place& where = *places[i % places.size()];
    const std::string& email = emails[i];
    const json::object before = sb.dump();
    const json::object* mine = find(before, where, email);
    if (mine == nullptr)
      continue;
    const std::string last = "Moved" + std::to_string(poll_ms) + "x" + std::to_string(i);
    std::string value = last;
    if (std::string(where.product) == "contracts") {
      std::string name = text(*mine, "displayName");
      value = name.substr(0, name.find(' ')) + " " + last;
    }
    json::object body{{"product", where.product},
                      {"collection", where.collection},
                      {"op", "update"},
                      {"id", text(*mine, where.id)},
                      {"fields", json::object{{where.last_name, value}}}};
    const auto edited = std::chrono::steady_clock::now();
    if (sb.admin_post("edit", json::serialize(body)).status != 200)
      throw std::runtime_error("bench: /__sandbox/edit refused an edit");
    LatencySample sample;
    sample.product = where.product;
    sample.seconds = -1;
    while (std::chrono::steady_clock::now() - edited < bound) {
      json::object now = sb.dump();
      bool seen = true;
      for (const Place* p : places) {
        if (p == &where)
          continue;
        const json::object* r = find(now, *p, email);
        seen = seen && r != nullptr && shows(*r, *p, last);
      }
      if (seen) {
        sample.seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - edited).count();
        break;
      }
      std::this_thread::sleep_for(look_every);
    }
    run.samples.push_back(sample);
  }
  const RequestCounts spent = spent_between(before, request_counts(sb));
  run.limited = spent.limited;
  run.requests = spent.by_product;
  zohosync.signal(SIGTERM);
  if (!zohosync.wait(std::chrono::milliseconds(20s)))
    zohosync.signal(SIGKILL);
  // Where the daemon's Projects pass stood.
  ChildProcess status(ZOHOSYNC_EXE, {"status", "--json", "--config", config}, {});
  if (status.wait(std::chrono::milliseconds(30s)) == 0) {
    try {
      const json::value doc = json::parse(status.out());
      const json::object& pass =
          doc.at("collections").at("projects.contacts").at("cadence").at("pass").as_object();
      run.pass_read = pass.at("parents_read").to_number<std::int64_t>();
      run.pass_total = pass.at("parents_total").to_number<std::int64_t>();
    } catch (const std::exception&) {
      // No pass recorded (a portal read whole each poll).
    }
  }
  sandbox.stop();

  std::vector<double> seen;
  for (const auto& s : run.samples) {
    if (s.seconds >= 0)
      seen.push_back(s.seconds);
    else
      ++run.missed;
  }
  run.median_s = quantile(seen, 0.5);
  run.p95_s = quantile(seen, 0.95);
  return run;
}

}  // namespace

LatencyBenchResult run_latency_bench(const LatencyBenchOptions& options) {
  LatencyBenchResult result;
  result.people = options.people;
  result.projects_only = options.projects_only;
  result.limits = options.limits;
  result.products = options.products;
  for (int poll : options.poll_ms)
    result.runs.push_back(run_one(options, poll));
  return result;
}

std::string latency_json(const LatencyBenchResult& r) {
  json::array runs;
  for (const LatencyRun& run : r.runs) {
    json::object missed_by;
    json::array samples;
    for (const auto& s : run.samples) {
      samples.push_back(json::object{{"edited_in", s.product}, {"seconds", s.seconds}});
      if (s.seconds < 0)
        missed_by[s.product] =
            missed_by.contains(s.product) ? missed_by[s.product].as_int64() + 1 : std::int64_t{1};
    }
    json::object requests;
    for (const auto& [product, n] : run.requests)
      requests[product] = n;
    runs.push_back(json::object{{"poll_interval_s", run.poll_ms / 1000.0},
                                {"limited_answers", run.limited},
                                {"requests", std::move(requests)},
                                {"projects_pass_read", run.pass_read},
                                {"projects_pass_total", run.pass_total},
                                {"median_s", run.median_s},
                                {"p95_s", run.p95_s},
                                {"seen", run.samples.size() - run.missed},
                                {"missed", run.missed},
                                {"missed_by_product", std::move(missed_by)},
                                {"samples", std::move(samples)}});
  }
  json::array products;
  for (const auto& p : r.products)
    products.push_back(json::value(p));
  json::object out{{"bench", "latency"},
                   {"people", r.people},
                   {"projects_only", r.projects_only},
                   {"limits", r.limits},
                   {"products", std::move(products)},
                   {"runs", std::move(runs)}};
  return json::serialize(out);
}

std::string latency_table(const LatencyBenchResult& r) {
  std::string out;
  char buf[256];
  std::string products;
  for (const auto& p : r.products)
    products += (products.empty() ? "" : ", ") + p;
  std::snprintf(buf, sizeof buf,
                "latency bench: zohosync daemon, %zu people%s%s, edits in %s, each until visible "
                "in the others\n%-10s %8s %8s %6s %7s %8s  %s\n",
                r.people,
                r.projects_only > 0
                    ? (" + " + std::to_string(r.projects_only) + " in Projects alone").c_str()
                    : "",
                r.limits ? ", Zoho's limits on, default budgets" : "", products.c_str(), "poll",
                "median", "p95", "seen", "missed", "limited", "goal: p95 <= poll + 2 s");
  out += buf;
  for (const LatencyRun& run : r.runs) {
    std::string missed;
    for (const auto& s : run.samples) {
      if (s.seconds < 0)
        missed += " " + s.product;
    }
    std::snprintf(buf, sizeof buf, "%-10.1f %7.2fs %7.2fs %6zu %7zu %8lld %s\n",
                  run.poll_ms / 1000.0, run.median_s, run.p95_s, run.samples.size() - run.missed,
                  run.missed, static_cast<long long>(run.limited),
                  missed.empty() ? "" : (" (not seen: edits in" + missed + ")").c_str());
    out += buf;
    std::string requests;
    for (const auto& [product, n] : run.requests)
      requests += " " + product + " " + std::to_string(n);
    std::snprintf(buf, sizeof buf, "           requests during the run:%s", requests.c_str());
    out += buf;
    if (run.pass_total > 0) {
      std::snprintf(buf, sizeof buf, "; Projects pass at %lld of %lld clients",
                    static_cast<long long>(run.pass_read), static_cast<long long>(run.pass_total));
      out += buf;
    }
    out += "\n";
  }
  return out;
}

}  // namespace zohosync::bench
