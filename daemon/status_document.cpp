#include "daemon/status_document.hpp"

#include <boost/json/array.hpp>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <vector>

#include "connectors/limits/request_ledger.hpp"
#include "daemon/connector_set.hpp"
#include "daemon/utc_time.hpp"

namespace zohosync::daemon {
namespace {

namespace json = boost::json;

const std::vector<std::string>& all_collections() {
  return config::collection_ids();
}

json::value time_or_null(std::int64_t ms) {
  return ms > 0 ? json::value(utc_time(ms)) : json::value(nullptr);
}

json::object cadence_json(const state::Cadence& c) {
  json::object o{{"poll_interval_s", static_cast<double>(c.poll_interval_ms) / 1000.0},
                 {"effective_interval_s", static_cast<double>(c.effective_interval_ms) / 1000.0},
                 {"measured_at_ms", c.updated_ms}};
  if (c.parents_total > 0) {
    o["pass"] = {
        {"parents_read", c.parents_read},
        {"parents_total", c.parents_total},
        {"remaining_s", c.pass_remaining_ms < 0
                            ? json::value(nullptr)
                            : json::value(static_cast<double>(c.pass_remaining_ms) / 1000.0)},
        {"last_pass_s", c.last_pass_ms > 0
                            ? json::value(static_cast<double>(c.last_pass_ms) / 1000.0)
                            : json::value(nullptr)}};
  }
  return o;
}

template <typename Map>
std::uint64_t count_in(const Map& map, const std::string& key) {
  auto it = map.find(key);
  return it == map.end() ? 0 : static_cast<std::uint64_t>(it->second);
}

// "ok", "failing", "stale", "never synced" or "disabled", and for all but
// "ok" and "disabled" a line saying why.
std::pair<std::string, std::string> judge(const std::string& collection,
                                          const state::CollectionHealth* health,
                                          const config::Config* config, bool daemon_running,
                                          std::int64_t now_ms) {
  if (config != nullptr && !config->collection(collection).active)
    return {"disabled", {}};
  const std::int64_t success = health ? health->last_success_ms : 0;
  const std::int64_t failure = health ? health->last_failure_ms : 0;
  if (failure > success)
    return {"failing",
            collection + ": failing since " + utc_time(failure) + ": " + health->last_error};
  if (success == 0)
    return {"never synced", collection + ": never synced"};
  if (config != nullptr && daemon_running) {
    const auto interval = std::chrono::duration_cast<std::chrono::milliseconds>(
                              config->collection(collection).poll_interval)
                              .count();
    const std::int64_t allowed = interval * std::max(1, config->service.health_max_missed_polls);
    if (now_ms - success > allowed)
      return {"stale", collection + ": last read " + utc_time(success) + ", more than " +
                           std::to_string(allowed / 1000) + " s ago"};
  }
  return {"ok", {}};
}

json::object budgets(const std::string& state_dir, const config::Config& config) {
  json::object out;
  const auto ledger_file = request_ledger_path(state_dir);
  const auto now = std::chrono::system_clock::now();
  std::error_code ec;
  const bool ledger_there = std::filesystem::exists(ledger_file, ec);
  for (config::Product product : {config::Product::inventory, config::Product::projects,
                                  config::Product::crm, config::Product::contracts}) {
    if (!config.product_enabled(product))
      continue;
    const config::RateLimit& limit = config.http.limit(product);
    const connectors::Product which = to_connector_product(product);
    json::object b{{"requests", limit.requests},
                   {"window_s", std::chrono::duration<double>(limit.window).count()},
                   {"available_now", nullptr},
                   {"blocked_until", nullptr}};
    if (ledger_there) {
      try {
        // Opening an existing ledger creates nothing; it is shared under flock.
        connectors::RequestLedger ledger(ledger_file);
        b["available_now"] = std::max(0.0, ledger.available(which, to_bucket(limit), now));
        if (auto until = ledger.blocked_until(which, now))
          b["blocked_until"] = utc_time(
              std::chrono::duration_cast<std::chrono::milliseconds>(until->time_since_epoch())
                  .count());
      } catch (const std::exception&) {
        // An unreadable ledger says nothing about the budget: leave nulls.
      }
    }
    out[std::string(config::to_string(product))] = std::move(b);
  }
  return out;
}

}  // namespace

json::object status_document(const std::string& state_dir, const state::StatusReport* report,
                             const config::Config* config, bool daemon_running,
                             std::int64_t now_ms) {
  json::object doc;
  doc["schema"] = kStatusSchema;
  doc["generated_at"] = utc_time(now_ms);
  doc["state_dir"] = state_dir;
  doc["initialised"] = report != nullptr;
  doc["daemon_running"] = daemon_running;
  if (report != nullptr) {
    doc["schema_version"] = report->schema_version;
    json::object counts;
    for (const auto& [db, n] : report->entries_per_db)
      counts[db] = n;
    doc["entries"] = std::move(counts);
    doc["journal_first_seq"] = report->journal_first_seq;
    doc["journal_last_seq"] = report->journal_last_seq;
  }

  bool healthy = true;
  json::array problems;
  json::object collections;
  for (const std::string& collection : all_collections()) {
    json::object c;
    const state::CollectionHealth* health = nullptr;
    if (report != nullptr) {
      if (auto it = report->health.find(collection); it != report->health.end())
        health = &it->second;
    }
    auto [verdict, why] = judge(collection, health, config, daemon_running, now_ms);
    if (verdict != "ok" && verdict != "disabled")
      healthy = false;
    if (!why.empty())
      problems.push_back(json::value(why));
    c["state"] = verdict;
    if (config != nullptr)
      c["enabled"] = config->collection(collection).active;
    c["last_success"] = time_or_null(health ? health->last_success_ms : 0);
    c["last_failure"] = time_or_null(health ? health->last_failure_ms : 0);
    c["last_error"] = health && health->last_failure_ms > 0 ? json::value(health->last_error)
                                                            : json::value(nullptr);
    c["next_poll"] = time_or_null(health ? health->next_poll_ms : 0);
    state::OutboxCounts n;
    if (report != nullptr) {
      c["linked"] = count_in(report->linked, collection);
      c["quarantined"] = count_in(report->quarantined, collection);
      c["open_conflicts"] = count_in(report->conflicts, collection);
      if (auto it = report->cursors.find(collection); it != report->cursors.end())
        c["cursor"] = it->second;
      if (auto p = report->pending.find(collection); p != report->pending.end())
        n = p->second;
      if (auto cad = report->cadences.find(collection); cad != report->cadences.end())
        c["cadence"] = cadence_json(cad->second);
    } else {
      c["linked"] = 0;
      c["quarantined"] = 0;
      c["open_conflicts"] = 0;
    }
    c["pending"] = {{"creates", n.creates}, {"updates", n.updates}, {"deletes", n.deletes}};
    collections[collection] = std::move(c);
  }
  doc["healthy"] = healthy;
  doc["problems"] = std::move(problems);
  doc["collections"] = std::move(collections);

  json::object throttled;
  const auto now = std::chrono::system_clock::time_point(std::chrono::milliseconds(now_ms));
  for (connectors::Product product : {connectors::Product::inventory, connectors::Product::projects,
                                      connectors::Product::crm, connectors::Product::contracts}) {
    if (auto until = connectors::read_blocked_until(request_ledger_path(state_dir), product, now)) {
      throttled[connectors::to_string(product)] = utc_time(
          std::chrono::duration_cast<std::chrono::milliseconds>(until->time_since_epoch()).count());
    }
  }
  doc["throttled_until"] = std::move(throttled);
  if (config != nullptr)
    doc["budgets"] = budgets(state_dir, *config);
  return doc;
}

}  // namespace zohosync::daemon
