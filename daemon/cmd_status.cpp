// `zohosync status`: what the state directory says about each collection. It
// opens the store read-only, so it is safe while the daemon runs, and it never
// creates a state directory that does not exist yet.
#include <chrono>
#include <cstdio>
#include <ctime>
#include <map>
#include <string>

#include <boost/json.hpp>

#include "daemon/cadence_tracker.hpp"
#include "daemon/commands.hpp"
#include "daemon/config_loading.hpp"
#include "daemon/connector_set.hpp"
#include "daemon/exit_codes.hpp"
#include "daemon/state_errors.hpp"
#include "state/store.hpp"

namespace zohosync::daemon {
namespace {

constexpr const char* kCollections[] = {"inventory.contact_persons", "inventory.users",
                                        "projects.contacts", "crm.contacts",
                                        "contracts.counterparty_contacts"};

// Throttles a product announced (Retry-After, a lockout) that still bind
// every process on the state dir: product -> end, in UTC.
std::map<std::string, std::string> throttles(const std::string& dir) {
  std::map<std::string, std::string> out;
  const auto now = std::chrono::system_clock::now();
  for (connectors::Product product : {connectors::Product::inventory, connectors::Product::projects,
                                      connectors::Product::crm, connectors::Product::contracts}) {
    if (auto until = connectors::read_blocked_until(request_ledger_path(dir), product, now)) {
      const std::time_t t = std::chrono::system_clock::to_time_t(*until);
      std::tm tm{};
      gmtime_r(&t, &tm);
      char text[32];
      std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
      out[connectors::to_string(product)] = text;
    }
  }
  return out;
}

// What the daemon measured of a collection's cadence, in one line.
std::string cadence_line(const std::string& collection, const state::Cadence& c) {
  std::string line =
      "cadence of " + collection + ": polled every " + rounded_duration(c.poll_interval_ms);
  if (c.effective_interval_ms > 0)
    line += ", read every " + rounded_duration(c.effective_interval_ms) + " on average";
  if (c.parents_total > 0) {
    line += "; pass " + std::to_string(c.parents_read) + " of " + std::to_string(c.parents_total);
    if (c.pass_remaining_ms > 0)
      line += ", about " + rounded_duration(c.pass_remaining_ms) + " to go";
    if (c.last_pass_ms > 0)
      line += ", last whole pass " + rounded_duration(c.last_pass_ms);
  }
  return line;
}

boost::json::object cadence_json(const state::Cadence& c) {
  boost::json::object o{
      {"poll_interval_s", static_cast<double>(c.poll_interval_ms) / 1000.0},
      {"effective_interval_s", static_cast<double>(c.effective_interval_ms) / 1000.0},
      {"measured_at_ms", c.updated_ms}};
  if (c.parents_total > 0) {
    o["pass"] = {
        {"parents_read", c.parents_read},
        {"parents_total", c.parents_total},
        {"remaining_s",
         c.pass_remaining_ms < 0
             ? boost::json::value(nullptr)
             : boost::json::value(static_cast<double>(c.pass_remaining_ms) / 1000.0)},
        {"last_pass_s", c.last_pass_ms > 0
                            ? boost::json::value(static_cast<double>(c.last_pass_ms) / 1000.0)
                            : boost::json::value(nullptr)}};
  }
  return o;
}

void print_text(const std::string& dir, const state::StatusReport* report) {
  std::printf("state dir: %s\n", dir.c_str());
  if (report == nullptr) {
    std::printf("state: not initialised (no cycle has run yet)\n");
    return;
  }
  std::printf("schema version: %u\n", report->schema_version);
  auto count = [&](const char* db) {
    auto it = report->entries_per_db.find(db);
    return it == report->entries_per_db.end() ? std::uint64_t{0} : it->second;
  };
  std::printf("people: %llu  links: %llu  pending writes: %llu  open conflicts: %llu\n",
              static_cast<unsigned long long>(count("people")),
              static_cast<unsigned long long>(count("links")),
              static_cast<unsigned long long>(count("outbox")),
              static_cast<unsigned long long>(count("conflicts")));
  if (count("journal") == 0) {
    std::printf("journal: empty\n");
  } else {
    std::printf("journal: %llu entries (seq %llu..%llu)\n",
                static_cast<unsigned long long>(count("journal")),
                static_cast<unsigned long long>(report->journal_first_seq),
                static_cast<unsigned long long>(report->journal_last_seq));
  }
  std::printf("%-34s %s\n", "collection", "cursor");
  for (const char* collection : kCollections) {
    auto it = report->cursors.find(collection);
    std::printf("%-34s %s\n", collection,
                it == report->cursors.end() ? "never synced" : it->second.c_str());
  }
  for (const auto& [collection, c] : report->cadences)
    std::printf("%s\n", cadence_line(collection, c).c_str());
  for (const auto& [product, until] : throttles(dir))
    std::printf("throttled: %s until %s (every zohosync process on this state dir waits)\n",
                product.c_str(), until.c_str());
  // Writes waiting for their product (down, refused transiently, or not yet
  // sent): a delete propagated while a product was down waits here too.
  for (const auto& [collection, n] : report->pending) {
    std::printf("pending in %s: %llu create(s), %llu update(s), %llu delete(s)\n",
                collection.c_str(), static_cast<unsigned long long>(n.creates),
                static_cast<unsigned long long>(n.updates),
                static_cast<unsigned long long>(n.deletes));
  }
}

void print_json(const std::string& dir, const state::StatusReport* report) {
  boost::json::object doc;
  doc["state_dir"] = dir;
  doc["initialised"] = report != nullptr;
  if (report != nullptr) {
    doc["schema_version"] = report->schema_version;
    boost::json::object counts;
    for (const auto& [db, n] : report->entries_per_db)
      counts[db] = n;
    doc["entries"] = std::move(counts);
    doc["journal_first_seq"] = report->journal_first_seq;
    doc["journal_last_seq"] = report->journal_last_seq;
  }
  boost::json::object collections;
  for (const char* collection : kCollections) {
    boost::json::object c;
    if (report != nullptr) {
      auto it = report->cursors.find(collection);
      if (it != report->cursors.end())
        c["cursor"] = it->second;
      state::OutboxCounts n;
      if (auto p = report->pending.find(collection); p != report->pending.end())
        n = p->second;
      c["pending"] = {{"creates", n.creates}, {"updates", n.updates}, {"deletes", n.deletes}};
      if (auto cad = report->cadences.find(collection); cad != report->cadences.end())
        c["cadence"] = cadence_json(cad->second);
    }
    collections[collection] = std::move(c);
  }
  doc["collections"] = std::move(collections);
  boost::json::object throttled;
  for (const auto& [product, until] : throttles(dir))
    throttled[product] = until;
  doc["throttled_until"] = std::move(throttled);
  std::printf("%s\n", boost::json::serialize(doc).c_str());
}

}  // namespace

int run_status(const GlobalOptions& global, const StatusOptions& options) {
  // With --state-dir the config is optional: status must work on a bare state dir.
  auto loaded = load_config(global, config::SecretCheck::warn_if_missing,
                            /*quiet_if_missing=*/global.state_dir.has_value());
  std::string dir;
  if (loaded.config) {
    dir = loaded.config->service.state_dir;
  } else if (loaded.file_missing && global.state_dir) {
    dir = *global.state_dir;
  } else {
    return loaded.exit_code;
  }

  try {
    state::OpenOptions open_options;
    open_options.mode = state::OpenMode::read_only;
    auto store = state::Store::open(dir, open_options);
    auto report = state::read_status(store);
    options.json ? print_json(dir, &report) : print_text(dir, &report);
  } catch (const state::Error& e) {
    if (e.kind() == state::ErrorKind::not_found_dir) {
      options.json ? print_json(dir, nullptr) : print_text(dir, nullptr);
      return exit_code::kOk;
    }
    return report_state_error(dir, e);
  }
  return exit_code::kOk;
}

}  // namespace zohosync::daemon
