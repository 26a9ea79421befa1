// `zohosync conflicts [list | show ID | resolve ID --take COLLECTION]`: the
// fields held for manual resolution (sync.conflict_policy = "manual"). A
// conflict is held on one record: (person, field, collection); its ID is
// "PERSON:FIELD", e.g. "42:first_name", and when a person has conflicts on
// that field in several collections, `--collection COLLECTION` picks one
// (resolve needs it only when --take does not name one of them). list and
// show open the store read-only (safe while the daemon runs); resolve
// settles the conflict in the store and queues the writes it implies in the
// outbox, which the next cycle (daemon or reconcile) sends, in one write
// transaction (LMDB lets one writer at a time into the store).
#include <cstdio>
#include <ctime>
#include <optional>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "common/email_address.hpp"
#include "daemon/commands.hpp"
#include "daemon/config_loading.hpp"
#include "daemon/conflict_listing.hpp"
#include "daemon/engine/engine.hpp"
#include "daemon/exit_codes.hpp"
#include "daemon/state_errors.hpp"
#include "daemon/sync_settings.hpp"
#include "daemon/utc_time.hpp"
#include "mapping/fields.hpp"
#include "state/codec.hpp"
#include "state/rows.hpp"
#include "state/store.hpp"

namespace zohosync::daemon {
namespace {

std::optional<std::pair<mapping::PersonId, mapping::Field>> parse_id(const std::string& id) {
  const auto colon = id.find(':');
  if (colon == std::string::npos || colon == 0)
    return std::nullopt;
  mapping::PersonId person = 0;
  for (std::size_t i = 0; i < colon; ++i) {
    if (id[i] < '0' || id[i] > '9')
      return std::nullopt;
    person = person * 10 + static_cast<mapping::PersonId>(id[i] - '0');
  }
  auto field = mapping::field_from_name(std::string_view(id).substr(colon + 1));
  if (!field)
    return std::nullopt;
  return std::make_pair(person, *field);
}

std::string format_time(std::int64_t time_ms) {
  return time_ms > 0 ? utc_time(time_ms) : "-";
}

std::vector<OpenConflict> read_conflicts(const state::Store& store) {
  std::vector<OpenConflict> out;
  auto txn = store.begin_read();
  const state::Dbi people = store.db("people");
  auto cursor = txn.cursor(store.db("conflicts"));
  for (auto entry = cursor.first(); entry; entry = cursor.next()) {
    OpenConflict c;
    c.row = state::decode_conflict(entry->second);
    if (auto bytes = txn.get(people, state::encode_u64_key(c.row.person))) {
      mapping::PersonRow person = state::decode_person(c.row.person, *bytes);
      c.email = person.values[mapping::Field::email];
      c.canonical_origin = person.origins[mapping::index_of(c.row.field)].collection;
    }
    out.push_back(std::move(c));
  }
  return out;
}

void print_list(const std::vector<OpenConflict>& conflicts, bool json) {
  if (json)
    std::printf("%s\n", boost::json::serialize(conflicts_to_json(conflicts)).c_str());
  else
    std::fputs(format_conflicts_table(conflicts).c_str(), stdout);
}

// `several`: the person has other conflicts on this field.
void print_show(const OpenConflict& c, bool several) {
  const std::string id = conflict_id(c.row);
  std::printf("conflict %s\n", id.c_str());
  std::printf("  person:        %s (id %llu)\n",
              std::string(common::displayed_email(c.email)).c_str(),
              static_cast<unsigned long long>(c.row.person));
  std::printf("  field:         %s\n", std::string(mapping::field_name(c.row.field)).c_str());
  std::printf("  opened:        %s\n", format_time(c.row.opened_ms).c_str());
  std::printf("  %s (record %s): \"%s\", modified %s\n", c.row.collection.c_str(),
              c.row.record_id.c_str(), c.row.remote_value.c_str(),
              format_time(c.row.remote_time).c_str());
  std::printf("  current value%s: \"%s\", modified %s\n",
              c.canonical_origin.empty() ? "" : (" (from " + c.canonical_origin + ")").c_str(),
              c.row.canonical_value.c_str(), format_time(c.row.canonical_time).c_str());
  // Taking the record's value names the conflict; keeping the person's
  // needs the collection when the person has several on the field.
  const std::string pick = several ? " --collection " + c.row.collection : std::string();
  std::printf("resolve with one of:\n");
  std::printf("  zohosync conflicts resolve %s --take %s\n", id.c_str(), c.row.collection.c_str());
  if (!c.canonical_origin.empty() && c.canonical_origin != c.row.collection)
    std::printf("  zohosync conflicts resolve %s --take %s%s\n", id.c_str(),
                c.canonical_origin.c_str(), pick.c_str());
}

std::string collections_of(const std::vector<const OpenConflict*>& conflicts) {
  std::string out;
  for (const OpenConflict* c : conflicts)
    out += (out.empty() ? "" : ", ") + c->row.collection;
  return out;
}

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

int run_conflicts(const GlobalOptions& global, const ConflictsOptions& options) {
  const bool resolving = options.action == ConflictsOptions::Action::resolve;
  // list/show work on a bare state dir given with --state-dir; resolve needs
  // the sync settings, so the config.
  auto loaded = load_config(global, config::SecretCheck::warn_if_missing,
                            /*quiet_if_missing=*/!resolving && global.state_dir.has_value());
  std::string dir;
  if (loaded.config) {
    dir = loaded.config->service.state_dir;
  } else if (!resolving && loaded.file_missing && global.state_dir) {
    dir = *global.state_dir;
  } else {
    return loaded.exit_code;
  }

  std::optional<std::pair<mapping::PersonId, mapping::Field>> key;
  if (options.action != ConflictsOptions::Action::list) {
    key = parse_id(options.id);
    if (!key) {
      std::fprintf(stderr,
                   "zohosync conflicts: \"%s\" is not a conflict id (PERSON:FIELD, e.g. "
                   "42:first_name; see `zohosync conflicts list`)\n",
                   options.id.c_str());
      return exit_code::kUsage;
    }
  }

  try {
    state::OpenOptions open_options;
    open_options.mode = resolving ? state::OpenMode::read_write : state::OpenMode::read_only;
    std::optional<state::Store> store;
    try {
      store.emplace(state::Store::open(dir, open_options));
    } catch (const state::Error& e) {
      if (e.kind() != state::ErrorKind::not_found_dir)
        throw;
      if (resolving) {
        std::fprintf(stderr, "zohosync conflicts: no conflict %s (no state in %s)\n",
                     options.id.c_str(), dir.c_str());
        return exit_code::kDataError;
      }
      if (options.action == ConflictsOptions::Action::list) {
        print_list({}, options.json);
        return exit_code::kOk;
      }
    }
    std::vector<OpenConflict> conflicts =
        store ? read_conflicts(*store) : std::vector<OpenConflict>{};
    if (options.action == ConflictsOptions::Action::list) {
      print_list(conflicts, options.json);
      return exit_code::kOk;
    }
    // The person's conflicts on the field: one per collection.
    std::vector<const OpenConflict*> held;
    for (const auto& c : conflicts) {
      if (c.row.person == key->first && c.row.field == key->second)
        held.push_back(&c);
    }
    std::vector<const OpenConflict*> matching;
    for (const OpenConflict* c : held) {
      if (options.collection.empty() || c->row.collection == options.collection)
        matching.push_back(c);
    }
    if (matching.empty()) {
      std::fprintf(stderr, "zohosync conflicts: no open conflict %s%s%s\n", options.id.c_str(),
                   options.collection.empty() ? "" : " in ", options.collection.c_str());
      return exit_code::kDataError;
    }
    if (options.action == ConflictsOptions::Action::show) {
      for (const OpenConflict* c : matching)
        print_show(*c, held.size() > 1);
      return exit_code::kOk;
    }
    const OpenConflict* found = matching.size() == 1 ? matching.front() : nullptr;
    if (found == nullptr) {
      // --take naming the collection of one of them picks that one.
      for (const OpenConflict* c : matching) {
        if (c->row.collection == options.take)
          found = c;
      }
    }
    if (found == nullptr) {
      std::fprintf(stderr,
                   "zohosync conflicts: %s is held in several collections (%s): name one with "
                   "--collection\n",
                   options.id.c_str(), collections_of(matching).c_str());
      return exit_code::kUsage;
    }

    // resolve: the record's collection takes its value; the collection the
    // current value came from keeps it.
    mapping::Take take;
    if (options.take == found->row.collection) {
      take = mapping::Take::record;
    } else if (!found->canonical_origin.empty() && options.take == found->canonical_origin) {
      take = mapping::Take::person;
    } else {
      std::fprintf(stderr, "zohosync conflicts: --take must be %s%s%s\n",
                   found->row.collection.c_str(), found->canonical_origin.empty() ? "" : " or ",
                   found->canonical_origin.c_str());
      return exit_code::kUsage;
    }
    Engine engine(*store, to_sync_settings(*loaded.config), {});
    std::string error =
        engine.resolve_conflict(key->first, key->second, found->row.collection, take, now_ms());
    if (!error.empty()) {
      std::fprintf(stderr, "zohosync conflicts: %s\n", error.c_str());
      return exit_code::kDataError;
    }
    std::printf("resolved %s: %s keeps \"%s\"; the next cycle writes it where it differs\n",
                options.id.c_str(), std::string(common::displayed_email(found->email)).c_str(),
                take == mapping::Take::record ? found->row.remote_value.c_str()
                                              : found->row.canonical_value.c_str());
    return exit_code::kOk;
  } catch (const state::Error& e) {
    return report_state_error(dir, e);
  }
}

}  // namespace zohosync::daemon
