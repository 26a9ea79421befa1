// `zohosync journal`: the audit log of every change zohosync applied, oldest
// first. Read-only, so it is safe while the daemon runs.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <optional>
#include <string>

#include <boost/json.hpp>

#include "common/email_address.hpp"
#include "daemon/commands.hpp"
#include "daemon/config_loading.hpp"
#include "daemon/exit_codes.hpp"
#include "daemon/journal_since.hpp"
#include "daemon/state_errors.hpp"
#include "daemon/utc_time.hpp"
#include "state/store.hpp"

namespace zohosync::daemon {
namespace {

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void print_text(const state::JournalEntry& entry) {
  const std::string person(common::displayed_email(entry.person_email));
  std::printf("#%llu %s %s %s %s/%s <- %s/%s", static_cast<unsigned long long>(entry.seq),
              utc_time(entry.time_ms).c_str(), entry.operation.c_str(),
              person.empty() ? "-" : person.c_str(), entry.target_collection.c_str(),
              entry.target_record.c_str(), entry.origin_collection.c_str(),
              entry.origin_record.c_str());
  if (!entry.reason.empty())
    std::printf(" (%s)", entry.reason.c_str());
  std::printf("\n");
  for (const auto& change : entry.fields) {
    std::printf("    %s: \"%s\" -> \"%s\"\n", change.field.c_str(), change.before.c_str(),
                change.after.c_str());
  }
}

void print_json(const state::JournalEntry& entry) {
  boost::json::object doc;
  // The version of this line's layout: keys are only ever added under 1.
  doc["schema"] = 1;
  doc["seq"] = entry.seq;
  doc["time"] = utc_time(entry.time_ms);
  doc["time_ms"] = entry.time_ms;
  doc["operation"] = entry.operation;
  doc["person_id"] = entry.person_id;
  doc["person_email"] = entry.person_email;
  doc["origin_collection"] = entry.origin_collection;
  doc["origin_record"] = entry.origin_record;
  doc["target_collection"] = entry.target_collection;
  doc["target_record"] = entry.target_record;
  boost::json::array fields;
  for (const auto& change : entry.fields) {
    fields.push_back(boost::json::object{
        {"field", change.field}, {"before", change.before}, {"after", change.after}});
  }
  doc["fields"] = std::move(fields);
  doc["product_modified_time"] = entry.product_modified_time;
  doc["reason"] = entry.reason;
  std::printf("%s\n", boost::json::serialize(doc).c_str());
}

}  // namespace

int run_journal(const GlobalOptions& global, const JournalOptions& options) {
  JournalSince since;
  if (options.since) {
    auto parsed = parse_journal_since(*options.since, now_ms());
    if (!parsed) {
      std::fprintf(stderr, "zohosync journal: --since %s: expected %s\n", options.since->c_str(),
                   kJournalSinceForms);
      return exit_code::kUsage;
    }
    since = *parsed;
  }

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
    auto txn = store.begin_read();
    // The filters are applied before the limit, so --limit counts matching entries.
    auto entries = state::Journal::read(txn, store, since.after_seq + 1, 0);
    // --person names a person by any spelling of the email (the index key).
    std::string person = options.person ? common::normalize_email(*options.person) : std::string();
    std::size_t shown = 0;
    for (const auto& entry : entries) {
      if (entry.time_ms < since.from_time_ms)
        continue;
      if (!person.empty() && common::normalize_email(entry.person_email) != person)
        continue;
      if (options.limit != 0 && shown == options.limit)
        break;
      options.json ? print_json(entry) : print_text(entry);
      ++shown;
    }
    if (shown == 0 && !options.json)
      std::printf("journal: no matching entries\n");
  } catch (const state::Error& e) {
    if (e.kind() == state::ErrorKind::not_found_dir) {
      if (!options.json)
        std::printf("journal: empty (state dir %s not initialised)\n", dir.c_str());
      return exit_code::kOk;
    }
    return report_state_error(dir, e);
  }
  return exit_code::kOk;
}

}  // namespace zohosync::daemon
