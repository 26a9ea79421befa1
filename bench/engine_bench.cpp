#include "bench/engine_bench.hpp"

#include <lmdb.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string_view>

#include "connectors/memory/memory_connector.hpp"
#include "daemon/engine/engine.hpp"
#include "state/store.hpp"

namespace zohosync::bench {

namespace {

const char* kCollections[] = {"inventory.contact_persons", "inventory.users", "projects.contacts",
                              "crm.contacts", "contracts.counterparty_contacts"};

connectors::MemoryOptions options_for(const std::string& id) {
  connectors::MemoryOptions o;
  o.collection = id;
  if (id == "crm.contacts")
    o.email_field = "Email";
  if (id == "contracts.counterparty_contacts") {
    o.email_field = "emailId";
  }
  return o;
}

mapping::SyncSettings settings(const std::vector<common::IncludeRule>& crm_include) {
  mapping::SyncSettings s;
  for (const char* id : kCollections) {
    mapping::CollectionSettings c;
    c.id = id;
    if (std::string(id) == "crm.contacts")
      c.include = crm_include;
    c.create_target = std::string(id) != "inventory.users";
    c.default_parent_id = "parent-1";
    s.collections.push_back(c);
  }
  s.priority = {"crm.contacts", "inventory.contact_persons"};
  s.mass_delete_min = 1'000'000'000;  // the bench deletes nothing
  return s;
}

std::string num(std::size_t i) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%07zu", i);
  return buf;
}

// Every person is in every collection. CRM alone has phone and title, so the
// initial sync fills them into Inventory (N writes); one product shows the
// emails in upper case (no writes: equal after normalization).
void populate(std::map<std::string, std::unique_ptr<connectors::MemoryConnector>>& products,
              std::size_t people) {
  for (std::size_t i = 0; i < people; ++i) {
    const std::string first = "Given" + num(i);
    const std::string last = "Family" + num(i);
    const std::string email = "person" + num(i) + "@example.com";
    std::string upper = email;
    for (char& c : upper)
      c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    connectors::Record r;
    r.fields = {{"first_name", first}, {"last_name", last}, {"email", email}};
    products["inventory.contact_persons"]->put(r);
    r.fields = {{"name", first + " " + last}, {"email", upper}};
    products["inventory.users"]->put(r);
    r.fields = {{"first_name", first}, {"last_name", last}, {"email", email}};
    products["projects.contacts"]->put(r);
    r.fields = {{"First_Name", first},
                {"Last_Name", last},
                {"Email", email},
                {"Phone", "555" + num(i)},
                {"Title", "Engineer"}};
    products["crm.contacts"]->put(r);
    r.fields = {{"displayName", first + " " + last}, {"emailId", email}};
    products["contracts.counterparty_contacts"]->put(r);
  }
}

std::size_t peak_rss() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<std::size_t>(usage.ru_maxrss) * 1024;  // KiB on Linux
}

// One "Name:   N kB" line of /proc/self/status, in bytes (0 when absent).
std::size_t status_bytes(std::string_view name) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.compare(0, name.size(), name) == 0 && line.size() > name.size() &&
        line[name.size()] == ':')
      return static_cast<std::size_t>(std::strtoull(line.c_str() + name.size() + 1, nullptr, 10)) *
             1024;
  }
  return 0;
}

// Resets the kernel's peak-RSS mark (VmHWM) to the current RSS, so that the
// next reading is the peak of what runs in between (proc(5), clear_refs "5").
void reset_peak_rss() {
  std::ofstream("/proc/self/clear_refs") << "5";
}

double used_bytes(const state::Store& store) {
  MDB_envinfo info{};
  MDB_stat stat{};
  mdb_env_info(store.env().handle(), &info);
  mdb_env_stat(store.env().handle(), &stat);
  return static_cast<double>(info.me_last_pgno + 1) * stat.ms_psize;
}

// CPU seconds (user + system) this process has used: on a shared machine the
// wall time also holds the time spent waiting for a core.
double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

}  // namespace

EngineBenchResult run_engine_bench(std::size_t people, const std::string& work_dir,
                                   const std::vector<common::IncludeRule>& crm_include) {
  EngineBenchResult result;
  result.people = people;
  std::map<std::string, std::unique_ptr<connectors::MemoryConnector>> products;
  for (const char* id : kCollections) {
    products[id] = std::make_unique<connectors::MemoryConnector>(options_for(id));
  }
  populate(products, people);

  state::OpenOptions open_options;
  // Address space, not disk: about 3 KiB per person are used, 16 KiB reserved.
  open_options.map_size = std::max<std::size_t>(std::size_t{1} << 30, people * 16384);
  auto store = state::Store::open(work_dir, open_options);
  std::vector<connectors::Connector*> conns;
  for (auto& [id, p] : products)
    conns.push_back(p.get());
  daemon::Engine engine(store, settings(crm_include), conns);

  std::int64_t now = 1'800'000'000'000;
  auto phase = [&](const std::string& name, daemon::CycleOptions options) {
    options.now_ms = (now += 60'000);
    options.batch = 256;
    const std::size_t rss_before = status_bytes("VmRSS");
    reset_peak_rss();
    const auto start = std::chrono::steady_clock::now();
    const double cpu_start = cpu_seconds();
    daemon::CycleReport report = engine.run_cycle_blocking(options);
    const std::size_t phase_peak = status_bytes("VmHWM");
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const double cpu = cpu_seconds() - cpu_start;
    if (!report.ok()) {
      throw std::runtime_error("bench: the " + name + " cycle reported failures");
    }
    Phase p;
    p.name = name;
    p.seconds = seconds;
    p.cpu_seconds = cpu;
    p.records = report.total(&daemon::CollectionCounts::records_seen);
    p.writes = report.total(&daemon::CollectionCounts::confirmed);
    p.records_per_s = seconds > 0 ? static_cast<double>(p.records) / seconds : 0;
    p.rss_before_bytes = rss_before;
    p.peak_rss_bytes = phase_peak;
    result.phases.push_back(p);
    return report;
  };

  phase("initial", {});
  // Settle the echoes of the initial writes (not timed: part of the initial sync).
  daemon::CycleOptions settle;
  settle.now_ms = (now += 60'000);
  engine.run_cycle_blocking(settle);
  daemon::CycleOptions full;
  full.full_listing = true;
  auto noop = phase("noop", full);
  if (noop.planned_writes != 0)
    throw std::runtime_error("bench: the no-change cycle wrote");
  // 1% churn: a last-name edit in the CRM, which flows to the four others.
  auto& crm = *products["crm.contacts"];
  std::vector<std::string> ids;
  for (const auto& [id, r] : crm.records())
    ids.push_back(id);
  for (std::size_t i = 0; i < ids.size(); i += 100)
    crm.edit(ids[i], "Last_Name", "Churned");
  phase("churn", {});

  result.lmdb_bytes_per_person = people > 0 ? used_bytes(store) / static_cast<double>(people) : 0;
  result.lmdb_bytes_before_repeats = used_bytes(store);
  for (int i = 0; i < 10; ++i) {
    daemon::CycleOptions again;
    again.full_listing = true;
    again.now_ms = (now += 60'000);
    if (engine.run_cycle_blocking(again).planned_writes != 0)
      throw std::runtime_error("bench: a repeated no-change cycle wrote");
  }
  result.lmdb_bytes_after_repeats = used_bytes(store);
  result.peak_rss_bytes = peak_rss();
  return result;
}

std::string to_json(const EngineBenchResult& r) {
  std::string out = "{\"people\": " + std::to_string(r.people) + ", \"phases\": [";
  for (std::size_t i = 0; i < r.phases.size(); ++i) {
    char buf[384];
    std::snprintf(buf, sizeof buf,
                  "%s{\"name\": \"%s\", \"seconds\": %.3f, \"cpu_seconds\": %.3f, "
                  "\"records_per_s\": %.1f, \"records_per_cpu_s\": %.1f, "
                  "\"rss_before_bytes\": %zu, \"peak_rss_bytes\": %zu}",
                  i ? ", " : "", r.phases[i].name.c_str(), r.phases[i].seconds,
                  r.phases[i].cpu_seconds, r.phases[i].records_per_s,
                  r.phases[i].cpu_seconds > 0
                      ? static_cast<double>(r.phases[i].records) / r.phases[i].cpu_seconds
                      : 0.0,
                  r.phases[i].rss_before_bytes, r.phases[i].peak_rss_bytes);
    out += buf;
  }
  char tail[256];
  std::snprintf(tail, sizeof tail,
                "], \"lmdb_bytes_per_person\": %.1f, \"lmdb_bytes_before_10_noop\": %.0f, "
                "\"lmdb_bytes_after_10_noop\": %.0f, \"peak_rss_bytes\": %zu}",
                r.lmdb_bytes_per_person, r.lmdb_bytes_before_repeats, r.lmdb_bytes_after_repeats,
                r.peak_rss_bytes);
  return out + tail;
}

std::string to_table(const EngineBenchResult& r) {
  std::string out;
  char buf[256];
  std::snprintf(buf, sizeof buf, "engine bench: %zu people x 5 collections\n", r.people);
  out += buf;
  std::snprintf(buf, sizeof buf, "%-8s %10s %10s %10s %10s %14s %11s %11s\n", "phase", "seconds",
                "cpu s", "records", "writes", "records/s", "RSS before", "peak RSS");
  out += buf;
  constexpr double kMiB = 1 << 20;
  for (const auto& p : r.phases) {
    std::snprintf(buf, sizeof buf, "%-8s %10.3f %10.3f %10zu %10zu %14.1f %7.1f MiB %7.1f MiB\n",
                  p.name.c_str(), p.seconds, p.cpu_seconds, p.records, p.writes, p.records_per_s,
                  static_cast<double>(p.rss_before_bytes) / kMiB,
                  static_cast<double>(p.peak_rss_bytes) / kMiB);
    out += buf;
  }
  std::snprintf(buf, sizeof buf,
                "lmdb bytes/person: %.1f\nlmdb used after 10 more no-change cycles: %.0f -> %.0f "
                "bytes\npeak RSS: %.1f MiB\n",
                r.lmdb_bytes_per_person, r.lmdb_bytes_before_repeats, r.lmdb_bytes_after_repeats,
                static_cast<double>(r.peak_rss_bytes) / (1 << 20));
  return out + buf;
}

}  // namespace zohosync::bench
