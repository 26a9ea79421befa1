// `zohosync status`: what the state directory says about each collection. It
// opens the store read-only, so it is safe while the daemon runs, and it never
// creates a state directory that does not exist yet.
#include <time.h>
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
#include "daemon/instance_lock.hpp"
#include "daemon/state_errors.hpp"
#include "daemon/status_document.hpp"
#include "state/store.hpp"

namespace zohosync::daemon {
namespace {

namespace json = boost::json;

std::string text_of(const json::value& v) {
  return v.is_string() ? std::string(v.as_string()) : std::string{};
}

std::int64_t ms_of(const json::value& v) {
  if (!v.is_string())
    return 0;
  std::tm tm{};
  const std::string text(v.as_string());
  if (strptime(text.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm) == nullptr)
    return 0;
  return static_cast<std::int64_t>(timegm(&tm)) * 1000;
}

// "40 s ago", "3 min ago", "2 h ago", "4 d ago"; "never" for null.
std::string ago(const json::value& when, std::int64_t now_ms) {
  const std::int64_t then = ms_of(when);
  if (then == 0)
    return "never";
  const std::int64_t s = std::max<std::int64_t>(0, (now_ms - then) / 1000);
  if (s < 120)
    return std::to_string(s) + " s ago";
  if (s < 7200)
    return std::to_string(s / 60) + " min ago";
  if (s < 172800)
    return std::to_string(s / 3600) + " h ago";
  return std::to_string(s / 86400) + " d ago";
}

std::string in(const json::value& when, std::int64_t now_ms) {
  const std::int64_t then = ms_of(when);
  if (then == 0)
    return "-";
  const std::int64_t s = (then - now_ms) / 1000;
  if (s <= 0)
    return "due";
  if (s < 120)
    return "in " + std::to_string(s) + " s";
  if (s < 7200)
    return "in " + std::to_string(s / 60) + " min";
  return "in " + std::to_string(s / 3600) + " h";
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

void print_table(const json::object& doc, std::int64_t now_ms) {
  const auto& collections = doc.at("collections").as_object();
  std::printf("%-32s %-12s %-12s %-12s %7s %6s %6s %13s  %s\n", "COLLECTION", "STATE",
              "LAST SUCCESS", "LAST FAILURE", "LINKED", "QUAR.", "CONFL.", "PENDING C/U/D",
              "NEXT POLL");
  for (const auto& [name, value] : collections) {
    const auto& c = value.as_object();
    const auto& pending = c.at("pending").as_object();
    const std::string pending_text = std::to_string(pending.at("creates").as_uint64()) + "/" +
                                     std::to_string(pending.at("updates").as_uint64()) + "/" +
                                     std::to_string(pending.at("deletes").as_uint64());
    std::printf("%-32s %-12s %-12s %-12s %7llu %6llu %6llu %13s  %s\n", std::string(name).c_str(),
                text_of(c.at("state")).c_str(), ago(c.at("last_success"), now_ms).c_str(),
                ago(c.at("last_failure"), now_ms).c_str(),
                static_cast<unsigned long long>(c.at("linked").to_number<std::uint64_t>()),
                static_cast<unsigned long long>(c.at("quarantined").to_number<std::uint64_t>()),
                static_cast<unsigned long long>(c.at("open_conflicts").to_number<std::uint64_t>()),
                pending_text.c_str(), in(c.at("next_poll"), now_ms).c_str());
  }
}

void print_budgets(const json::object& doc) {
  const auto* budgets = doc.if_contains("budgets");
  if (budgets == nullptr)
    return;
  for (const auto& [product, value] : budgets->as_object()) {
    const auto& b = value.as_object();
    std::string line =
        "budget of " + std::string(product) + ": " +
        std::to_string(b.at("requests").to_number<std::int64_t>()) + " requests per " +
        rounded_duration(static_cast<std::int64_t>(b.at("window_s").to_number<double>() * 1000.0));
    if (b.at("blocked_until").is_string())
      line += "; locked out until " + text_of(b.at("blocked_until"));
    else if (b.at("available_now").is_number())
      line += "; " +
              std::to_string(static_cast<long long>(b.at("available_now").to_number<double>())) +
              " can go out now";
    std::printf("%s\n", line.c_str());
  }
}

void print_text(const std::string& dir, const state::StatusReport* report, const json::object& doc,
                std::int64_t now_ms) {
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
  const auto& problems = doc.at("problems").as_array();
  if (doc.at("healthy").as_bool())
    std::printf("health: ok\n");
  else
    std::printf("health: %zu problem%s (listed under the table)\n", problems.size(),
                problems.size() == 1 ? "" : "s");
  print_table(doc, now_ms);
  for (const auto& problem : problems)
    std::printf("problem: %s\n", text_of(problem).c_str());
  print_budgets(doc);
  for (const auto& [product, until] : doc.at("throttled_until").as_object())
    std::printf("throttled: %s until %s (every zohosync process on this state dir waits)\n",
                std::string(product).c_str(), text_of(until).c_str());
  for (const auto& [collection, c] : report->cadences)
    std::printf("%s\n", cadence_line(collection, c).c_str());
  // Writes waiting for their product (down, refused transiently, or not yet
  // sent): a delete propagated while a product was down waits here too.
  for (const auto& [collection, n] : report->pending) {
    std::printf("pending in %s: %llu create(s), %llu update(s), %llu delete(s)\n",
                collection.c_str(), static_cast<unsigned long long>(n.creates),
                static_cast<unsigned long long>(n.updates),
                static_cast<unsigned long long>(n.deletes));
  }
}

void print(const StatusOptions& options, const std::string& dir, const state::StatusReport* report,
           const config::Config* config) {
  const std::int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                  std::chrono::system_clock::now().time_since_epoch())
                                  .count();
  const json::object doc =
      status_document(dir, report, config, InstanceLock::daemon_running(dir), now_ms);
  if (options.json)
    std::printf("%s\n", json::serialize(doc).c_str());
  else
    print_text(dir, report, doc, now_ms);
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

  const config::Config* config = loaded.config ? &*loaded.config : nullptr;
  try {
    state::OpenOptions open_options;
    open_options.mode = state::OpenMode::read_only;
    auto store = state::Store::open(dir, open_options);
    auto report = state::read_status(store);
    print(options, dir, &report, config);
  } catch (const state::Error& e) {
    if (e.kind() == state::ErrorKind::not_found_dir) {
      print(options, dir, nullptr, config);
      return exit_code::kOk;
    }
    return report_state_error(dir, e);
  }
  return exit_code::kOk;
}

}  // namespace zohosync::daemon
