#include "bench/sandbox_bench.hpp"

#include "bench/daemon_fixture.hpp"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

#include "config/config.hpp"
#include "daemon/connector_set.hpp"
#include "daemon/engine/engine.hpp"
#include "daemon/sync_settings.hpp"
#include "state/store.hpp"
#include "tests/sandbox/test_client.hpp"

namespace zohosync::bench {

namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using sandbox::test::sandbox_process;
using sandbox::test::session;

constexpr const char* kPersons = "inventory.contact_persons";
constexpr const char* kUsers = "inventory.users";
constexpr const char* kProjects = "projects.contacts";
constexpr const char* kCrm = "crm.contacts";
constexpr const char* kContracts = "contracts.counterparty_contacts";
constexpr const char* kOauth = "oauth";

std::size_t ceil_div(std::size_t a, std::size_t b) {
  return (a + b - 1) / b;
}

std::string lower(std::string s) {
  for (char& c : s)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string text(const json::object& o, const char* key) {
  auto it = o.find(key);
  return it != o.end() && it->value().is_string() ? std::string(it->value().as_string()) : "";
}

const json::array& list(const json::object& dump, const char* product, const char* name) {
  return dump.at(product).as_object().at(name).as_array();
}

// Which collection a counted request belongs to.
std::string collection_of(const std::string& product, const std::string& path) {
  if (path.rfind("/oauth", 0) == 0)
    return kOauth;
  if (product == "inventory")
    return path.find("/users") != std::string::npos ? kUsers : kPersons;
  if (product == "projects")
    return kProjects;
  if (product == "crm")
    return path.find("/roles") != std::string::npos ? "crm.contact_roles" : kCrm;
  if (product == "contracts")
    return kContracts;
  return product;
}

// "collection method" -> calls so far.
using Counts = std::map<std::string, std::size_t>;

Counts read_counters(session& sb) {
  Counts out;
  auto reply = sb.client.get("/__sandbox/counters");
  if (reply.status != 200)
    throw std::runtime_error("bench: /__sandbox/counters answered " + std::to_string(reply.status));
  const json::value doc = reply.json();
  if (!doc.is_object())
    throw std::runtime_error("bench: /__sandbox/counters answered " + reply.body.substr(0, 200));
  for (const auto& v : doc.as_object().at("requests").as_array()) {
    const auto& r = v.as_object();
    const std::string method = text(r, "method");
    const std::string kind = method == "GET" ? " read" : " write";
    out[collection_of(text(r, "product"), text(r, "path")) + kind] +=
        static_cast<std::size_t>(r.at("count").to_number<std::int64_t>());
  }
  return out;
}

// How big each product's population is (what a full listing must read).
struct Sizes {
  std::size_t inventory_contacts = 0;
  std::size_t inventory_users = 0;
  std::size_t crm_contacts = 0;
  std::size_t counterparties = 0;
  std::size_t projects_clients = 0;
  std::map<std::string, std::size_t> projects_per_client;
  std::map<std::string, std::string> person_contact;  // contact_person_id -> contact_id
};

Sizes sizes_of(const json::object& dump) {
  Sizes s;
  s.inventory_contacts = list(dump, "inventory", "contacts").size();
  for (const auto& u : list(dump, "inventory", "users"))
    s.inventory_users += text(u.as_object(), "status") != "inactive";
  s.crm_contacts = list(dump, "crm", "contacts").size();
  s.counterparties = list(dump, "contracts", "counterparties").size();
  s.projects_clients = list(dump, "projects", "clients").size();
  for (const auto& c : list(dump, "projects", "clients"))
    s.projects_per_client[text(c.as_object(), "id")] = 0;
  for (const auto& c : list(dump, "projects", "contacts"))
    ++s.projects_per_client[text(c.as_object(), "clientId")];
  for (const auto& p : list(dump, "inventory", "contact_persons"))
    s.person_contact[text(p.as_object(), "contact_person_id")] = text(p.as_object(), "contact_id");
  return s;
}

// The fewest reads a complete listing of each collection needs.
std::size_t full_listing_reads(const std::string& c, const Sizes& s) {
  if (c == kPersons)  // contact pages, then each contact's persons
    return std::max<std::size_t>(1, ceil_div(s.inventory_contacts, 200)) + s.inventory_contacts;
  if (c == kUsers)
    return std::max<std::size_t>(1, ceil_div(s.inventory_users, 200));
  if (c == kCrm)
    return std::max<std::size_t>(1, ceil_div(s.crm_contacts, 200));
  if (c == kContracts)  // no paging: the counterparties, then each one's contacts
    return 1 + s.counterparties;
  if (c == kProjects) {  // client pages, then each client's contacts until a short page
    std::size_t n = std::max<std::size_t>(1, ceil_div(s.projects_clients, 200));
    for (const auto& [client, contacts] : s.projects_per_client)
      n += contacts / 200 + 1;
    return n;
  }
  return 0;
}

// What changed in a product since the previous cycle listed it: the UI edits
// and the previous cycle's own writes, which the product stamps with a newer
// modified time and so lists again.
struct Changed {
  std::size_t crm_records = 0;
  std::set<std::string> inventory_contacts;
};

// The fewest reads of a cycle that lists incrementally where the API allows:
// CRM one modified-since page per 200 changed records (a 304 when none) plus
// its deleted-records check; Inventory one contacts page plus a persons read
// per changed contact; Users, Projects and Contracts have no modified-since
// listing, so a full one.
std::size_t incremental_reads(const std::string& c, const Sizes& s, const Changed& changed) {
  if (c == kCrm)
    return std::max<std::size_t>(1, ceil_div(changed.crm_records, 200)) + 1;
  if (c == kPersons)
    return std::max<std::size_t>(1, ceil_div(changed.inventory_contacts.size(), 200)) +
           changed.inventory_contacts.size();
  return full_listing_reads(c, s);
}

// The fewest write calls: CRM takes 100 records per insert/update/upsert and
// per delete; the other products take one record per call.
std::size_t minimum_writes(const std::string& c, const daemon::CollectionCounts& n) {
  if (c == kCrm)
    return ceil_div(n.creates + n.updates, 100) + ceil_div(n.deletes, 100);
  return n.creates + n.updates + n.deletes;
}

std::string write_config(const fs::path& dir, std::uint16_t port, const json::object& info,
                         const std::string& default_contacts) {
  const auto path = dir / "bench.toml";
  std::ofstream out(path);
  out << "[service]\nstate_dir = \"" << (dir / "state").string() << "\"\nlog_level = \"warn\"\n"
      << "[zoho]\nbase_url = \"http://127.0.0.1:" << port << "\"\n"
      << "[oauth]\nclient_id = \"" << text(info, "client_id")
      << "\"\nallow_inline_secrets = true\nclient_secret = \"" << text(info, "client_secret")
      << "\"\nrefresh_token = \"" << text(info, "refresh_token") << "\"\n"
      << "[http]\ntimeout = \"60s\"\nretries = 2\n"
      // The sandbox runs without limits: the bench measures calls and time,
      // not how the rate buckets pace a 10k-person sync.
      << "[http.inventory]\nrequests = 1000000\n[http.projects]\nrequests = 1000000\n"
      << "[http.crm]\nrequests = 1000000\n[http.contracts]\nrequests = 1000000\n"
      << "[inventory]\nenabled = true\norganization_id = \""
      << text(info.at("inventory").as_object(), "organization_id") << "\"\n"
      << "[projects]\nenabled = true\nportal_id = \""
      << text(info.at("projects").as_object(), "portal_id") << "\"\n"
      << "[crm]\nenabled = true\ndaily_credits = 1000000\n[contracts]\nenabled = true\n"
      << "[collections.inventory.contact_persons]\ncreate = true\n"
      << "default_contact_id = \"" << default_contacts << "\"\n"
      << "[collections.inventory.users]\ncreate = false\n"
      << "[collections.projects.contacts]\ncreate = true\n"
      << "default_client_id = \"170876000000000001\"\n"
      << "[collections.crm.contacts]\ncreate = true\n"
      << "[collections.contracts.counterparty_contacts]\ncreate = true\n"
      << "default_counterparty = \"NewPeople\"\n"
      << "[sync]\nconflict_policy = \"newest\"\non_delete = \"unlink\"\n";
  return path.string();
}

// One UI edit the churn scenario makes.
struct Edit {
  const char* product;
  const char* collection;  // the sandbox's name
  const char* engine_collection;
  std::string id;
  json::object fields;
};

// 1% of the people, among those every product holds, each edited in one
// product (round robin): a new last name.
std::vector<Edit> churn_edits(const json::object& dump, std::size_t people) {
  struct Ids {
    std::string crm, person, project, contract, contract_name;
  };
  std::map<std::string, Ids> by_email;
  for (const auto& v : list(dump, "crm", "contacts"))
    by_email[lower(text(v.as_object(), "Email"))].crm = text(v.as_object(), "id");
  for (const auto& v : list(dump, "inventory", "contact_persons"))
    by_email[lower(text(v.as_object(), "email"))].person = text(v.as_object(), "contact_person_id");
  for (const auto& v : list(dump, "projects", "contacts"))
    by_email[lower(text(v.as_object(), "email"))].project = text(v.as_object(), "id");
  for (const auto& v : list(dump, "contracts", "counterpartyusers")) {
    auto& ids = by_email[lower(text(v.as_object(), "emailId"))];
    ids.contract = text(v.as_object(), "id");
    ids.contract_name = text(v.as_object(), "displayName");
  }
  const std::size_t wanted = std::max<std::size_t>(1, people / 100);
  std::vector<Edit> edits;
  for (const auto& [email, ids] : by_email) {
    if (edits.size() == wanted)
      break;
    if (email.empty() || ids.crm.empty() || ids.person.empty() || ids.project.empty() ||
        ids.contract.empty())
      continue;
    const std::string last = "Churned" + std::to_string(edits.size());
    switch (edits.size() % 4) {
      case 0:
        edits.push_back({"crm", "contacts", kCrm, ids.crm, {{"Last_Name", last}}});
        break;
      case 1:
        edits.push_back(
            {"inventory", "contact_persons", kPersons, ids.person, {{"last_name", last}}});
        break;
      case 2:
        edits.push_back({"projects", "contacts", kProjects, ids.project, {{"last_name", last}}});
        break;
      default: {
        // Contracts holds the full name only: its last word changes.
        std::string name = ids.contract_name;
        auto space = name.find(' ');
        name = (space == std::string::npos ? name : name.substr(0, space)) + " " + last;
        edits.push_back(
            {"contracts", "counterpartyusers", kContracts, ids.contract, {{"displayName", name}}});
      }
    }
  }
  return edits;
}

// CPU seconds this process has used.
double own_cpu_s() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

// CPU seconds the sandbox (this process's only child) has used, from
// /proc/<pid>/stat (utime and stime, fields 14 and 15); 0 when unreadable.
double child_cpu_s() {
  std::ifstream children("/proc/self/task/" + std::to_string(::getpid()) + "/children");
  long pid = 0;
  if (!(children >> pid))
    return 0;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  std::getline(stat, line);
  const auto close = line.rfind(')');
  if (close == std::string::npos)
    return 0;
  std::istringstream rest(line.substr(close + 2));
  std::string field;
  unsigned long long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i) {
    if (i == 14)
      utime = std::stoull(field);
    if (i == 15)
      stime = std::stoull(field);
  }
  return static_cast<double>(utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

std::int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "zohosync-bench-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr)
      throw std::runtime_error("bench: cannot create a temp dir");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

const std::vector<std::string>& collections() {
  static const std::vector<std::string> all = {kPersons, kUsers, kProjects, kCrm, kContracts};
  return all;
}

}  // namespace

std::size_t Scenario::made() const {
  std::size_t n = 0;
  for (const auto& [c, calls] : this->calls)
    n += calls.reads + calls.writes;
  return n;
}

std::size_t Scenario::minimum() const {
  std::size_t n = 0;
  for (const auto& [c, calls] : this->calls)
    n += calls.min_reads + calls.min_writes;
  return n;
}

SandboxBenchResult run_sandbox_bench(const SandboxBenchOptions& options) {
  SandboxBenchResult result;
  result.people = options.people;
  TempDir dir;
  // Inventory person edits move their contact's modified time, so the
  // incremental listing finds them (otherwise only the daily full scan does).
  sandbox_process sandbox({"--seed", std::to_string(options.seed), "--people",
                           std::to_string(options.people), "--no-limits",
                           "--person-bumps-contact"});
  session sb(sandbox.port());
  const std::string config_path =
      write_config(dir.path(), sandbox.port(), sb.info, make_default_contacts(sb, options.people));
  config::LoadOptions load;
  load.secrets = config::SecretCheck::require;
  auto loaded = config::load_file(config_path, load);
  if (!loaded.ok())
    throw std::runtime_error("bench: the generated config does not load");
  const config::Config& config = *loaded.config;

  auto logger = spdlog::stderr_logger_mt("bench");
  logger->set_level(spdlog::level::warn);
  state::OpenOptions open_options;
  open_options.map_size = std::max<std::size_t>(std::size_t{1} << 30, options.people * 65536);
  auto store = state::Store::open((dir.path() / "state").string(), open_options);
  boost::asio::io_context io;
  daemon::ConnectorSet connectors(io.get_executor(), config, dir.path() / "state", logger);
  daemon::Engine engine(store, daemon::to_sync_settings(config), connectors.connectors());

  auto advance_clock = [&] {
    const std::string body = "{\"advance\": " + std::to_string(options.gap_seconds) + "}";
    if (sb.admin_post("clock", body).status != 200)
      throw std::runtime_error("bench: /__sandbox/clock refused to advance");
  };
  auto run_cycle = [&](const std::string& name, daemon::CycleReport& report) {
    daemon::CycleOptions cycle;
    cycle.now_ms = wall_ms();
    cycle.keep_actions = true;
    std::exception_ptr error;
    const double own_before = own_cpu_s(), sandbox_before = child_cpu_s();
    const auto start = std::chrono::steady_clock::now();
    boost::asio::co_spawn(
        io, [&]() -> boost::asio::awaitable<void> { report = co_await engine.run_cycle(cycle); },
        [&](std::exception_ptr e) { error = e; });
    io.restart();
    io.run();
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (error)
      std::rethrow_exception(error);
    if (report.fatal)
      throw std::runtime_error("bench: the " + name + " cycle stopped on a fatal error");
    Cycle c;
    c.name = name;
    c.seconds = seconds;
    c.client_cpu_s = own_cpu_s() - own_before;
    c.sandbox_cpu_s = child_cpu_s() - sandbox_before;
    c.records_seen = report.total(&daemon::CollectionCounts::records_seen);
    c.planned_writes = report.planned_writes;
    c.confirmed = report.total(&daemon::CollectionCounts::confirmed);
    c.failed = report.total(&daemon::CollectionCounts::failed);
    // Say what failed (the figures count the calls all the same).
    std::map<std::string, std::size_t> kinds;
    for (const daemon::Failure& f : report.failures)
      ++kinds[f.collection + ": " + f.message.substr(0, 160)];
    for (const auto& [what, n] : kinds)
      std::fprintf(stderr, "zohosync-bench: %s cycle: %zu x %s\n", name.c_str(), n, what.c_str());
    return c;
  };

  // State carried from one cycle to the next: what it wrote (read back as
  // changed by the next cycle).
  Changed written_by_last;
  json::object dump = sb.dump();
  Sizes sizes = sizes_of(dump);

  auto measured_cycle = [&](Scenario& scenario, const std::string& name, bool full,
                            const Changed& edited, daemon::CycleReport& report) {
    Counts before = read_counters(sb);
    Cycle c = run_cycle(name, report);
    Counts after = read_counters(sb);
    scenario.cycles.push_back(c);
    for (const auto& [key, n] : after) {
      const auto space = key.rfind(' ');
      auto& calls = scenario.calls[key.substr(0, space)];
      const std::size_t delta = n - (before.count(key) ? before[key] : 0);
      (key.substr(space + 1) == "read" ? calls.reads : calls.writes) += delta;
    }
    Changed changed = written_by_last;
    changed.crm_records += edited.crm_records;
    changed.inventory_contacts.insert(edited.inventory_contacts.begin(),
                                      edited.inventory_contacts.end());
    for (const std::string& c : collections()) {
      auto& calls = scenario.calls[c];
      calls.min_reads += full ? full_listing_reads(c, sizes) : incremental_reads(c, sizes, changed);
      auto it = report.collections.find(c);
      if (it != report.collections.end()) {
        calls.min_writes += minimum_writes(c, it->second);
        calls.records_written += it->second.confirmed;
      }
    }
    // What this cycle wrote is listed again by the next one.
    dump = sb.dump();
    sizes = sizes_of(dump);
    written_by_last = {};
    for (const mapping::Action& a : report.actions) {
      const bool write = a.kind == mapping::ActionKind::create ||
                         a.kind == mapping::ActionKind::update ||
                         a.kind == mapping::ActionKind::remove;
      if (!write)
        continue;
      if (a.collection == kCrm)
        ++written_by_last.crm_records;
      if (a.collection == kPersons) {
        auto it = sizes.person_contact.find(a.record_id);
        written_by_last.inventory_contacts.insert(it != sizes.person_contact.end() ? it->second
                                                                                   : a.parent_id);
      }
    }
    advance_clock();
  };

  daemon::CycleReport report;
  {
    Scenario initial{"initial", {}, {}};
    initial.calls[kOauth].min_writes = 1;  // one access token for the whole run
    measured_cycle(initial, "initial", true, {}, report);
    measured_cycle(initial, "initial-settle", false, {}, report);
    result.scenarios.push_back(std::move(initial));
  }
  {
    Scenario noop{"noop", {}, {}};
    measured_cycle(noop, "noop", false, {}, report);
    result.scenarios.push_back(std::move(noop));
  }
  {
    Scenario churn{"churn", {}, {}};
    std::vector<Edit> edits = churn_edits(dump, options.people);
    Changed edited;
    std::set<std::string> edited_records;
    for (const Edit& e : edits) {
      json::object body{{"product", e.product},
                        {"collection", e.collection},
                        {"op", "update"},
                        {"id", e.id},
                        {"fields", e.fields}};
      const int status = sb.admin_post("edit", json::serialize(body)).status;
      if (status != 200)
        throw std::runtime_error("bench: /__sandbox/edit answered " + std::to_string(status));
      edited_records.insert(std::string(e.engine_collection) + "|" + e.id);
      if (std::string(e.engine_collection) == kCrm)
        ++edited.crm_records;
      if (std::string(e.engine_collection) == kPersons)
        edited.inventory_contacts.insert(sizes.person_contact[e.id]);
    }
    result.churn.edits = edits.size();
    measured_cycle(churn, "churn", false, edited, report);
    std::set<std::string> targets;
    for (const mapping::Action& a : report.actions) {
      if (a.kind != mapping::ActionKind::update)
        continue;
      ++result.churn.update_actions;
      result.churn.field_changes += a.changes.size();
      targets.insert(a.collection + "|" + a.record_id);
      result.churn.echo_writes += edited_records.count(a.collection + "|" + a.record_id);
    }
    result.churn.target_records = targets.size();
    measured_cycle(churn, "churn-settle", false, {}, report);
    result.churn.settle_planned = report.planned_writes;
    result.scenarios.push_back(std::move(churn));
  }
  std::size_t made = 0, minimum = 0;
  for (const Scenario& s : result.scenarios) {
    made += s.made();
    minimum += s.minimum();
  }
  result.ratio_made_to_minimum =
      minimum > 0 ? static_cast<double>(made) / static_cast<double>(minimum) : 0;
  sandbox.stop();
  return result;
}

namespace {

json::object calls_json(const CollectionCalls& c) {
  return {{"reads", c.reads},
          {"writes", c.writes},
          {"made", c.reads + c.writes},
          {"min_reads", c.min_reads},
          {"min_writes", c.min_writes},
          {"minimum", c.min_reads + c.min_writes},
          {"records_written", c.records_written}};
}

double ratio(std::size_t made, std::size_t minimum) {
  return minimum > 0 ? static_cast<double>(made) / static_cast<double>(minimum) : 0;
}

}  // namespace

std::string api_json(const SandboxBenchResult& r) {
  json::object out;
  out["bench"] = "api";
  out["people"] = r.people;
  json::array scenarios;
  for (const Scenario& s : r.scenarios) {
    json::object per;
    for (const auto& [c, calls] : s.calls)
      per[c] = calls_json(calls);
    scenarios.push_back(json::object{{"name", s.name},
                                     {"made", s.made()},
                                     {"minimum", s.minimum()},
                                     {"ratio", ratio(s.made(), s.minimum())},
                                     {"collections", std::move(per)}});
  }
  out["scenarios"] = std::move(scenarios);
  out["churn_writes"] = json::object{{"edits", r.churn.edits},
                                     {"update_actions", r.churn.update_actions},
                                     {"target_records", r.churn.target_records},
                                     {"field_changes", r.churn.field_changes},
                                     {"echo_writes", r.churn.echo_writes},
                                     {"settle_cycle_planned_writes", r.churn.settle_planned}};
  // The same run's wall times (what `zohosync-bench http` prints).
  out["http"] = json::parse(http_json(r));
  out["ratio_made_to_minimum"] = r.ratio_made_to_minimum;
  return json::serialize(out);
}

std::string api_table(const SandboxBenchResult& r) {
  std::string out;
  char buf[256];
  std::snprintf(buf, sizeof buf, "api bench: %zu people, sandbox on loopback\n", r.people);
  out += buf;
  std::snprintf(buf, sizeof buf, "%-9s %-32s %7s %7s %7s %7s %7s\n", "scenario", "collection",
                "reads", "min", "writes", "min", "ratio");
  out += buf;
  for (const Scenario& s : r.scenarios) {
    for (const auto& [c, calls] : s.calls) {
      std::snprintf(buf, sizeof buf, "%-9s %-32s %7zu %7zu %7zu %7zu %7.2f\n", s.name.c_str(),
                    c.c_str(), calls.reads, calls.min_reads, calls.writes, calls.min_writes,
                    ratio(calls.reads + calls.writes, calls.min_reads + calls.min_writes));
      out += buf;
    }
    std::snprintf(buf, sizeof buf, "%-9s %-32s %23zu / %-7zu %7.2f\n", s.name.c_str(), "total",
                  s.made(), s.minimum(), ratio(s.made(), s.minimum()));
    out += buf;
  }
  std::snprintf(buf, sizeof buf,
                "churn: %zu edits -> %zu updates to %zu records (%zu changed fields), %zu "
                "echoes; the next cycle planned %zu writes\n",
                r.churn.edits, r.churn.update_actions, r.churn.target_records,
                r.churn.field_changes, r.churn.echo_writes, r.churn.settle_planned);
  out += buf;
  std::snprintf(buf, sizeof buf, "ratio_made_to_minimum: %.3f (goal <= 1.05)\n",
                r.ratio_made_to_minimum);
  return out + buf;
}

std::string http_json(const SandboxBenchResult& r) {
  json::object out;
  out["bench"] = "http";
  out["people"] = r.people;
  json::array cycles;
  for (const Scenario& s : r.scenarios) {
    for (const Cycle& c : s.cycles) {
      cycles.push_back(json::object{{"name", c.name},
                                    {"seconds", c.seconds},
                                    {"client_cpu_s", c.client_cpu_s},
                                    {"sandbox_cpu_s", c.sandbox_cpu_s},
                                    {"records_seen", c.records_seen},
                                    {"planned_writes", c.planned_writes},
                                    {"confirmed", c.confirmed},
                                    {"failed", c.failed}});
    }
  }
  out["cycles"] = std::move(cycles);
  return json::serialize(out);
}

std::string http_table(const SandboxBenchResult& r) {
  std::string out;
  char buf[256];
  std::snprintf(buf, sizeof buf,
                "http bench: %zu people, real connectors, sandbox on loopback (cpu: this "
                "process's CPU seconds; sandbox: zoho-sandbox's)\n",
                r.people);
  out += buf;
  std::snprintf(buf, sizeof buf, "%-16s %9s %9s %9s %9s %9s %9s %7s\n", "cycle", "seconds", "cpu",
                "sandbox", "records", "planned", "written", "failed");
  out += buf;
  for (const Scenario& s : r.scenarios) {
    for (const Cycle& c : s.cycles) {
      std::snprintf(buf, sizeof buf, "%-16s %9.3f %9zu %9zu %9zu %7zu\n", c.name.c_str(), c.seconds,
                    c.records_seen, c.planned_writes, c.confirmed, c.failed);
      out += buf;
    }
  }
  return out;
}

}  // namespace zohosync::bench
