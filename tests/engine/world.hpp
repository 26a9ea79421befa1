#pragma once
// A test world: five in-memory products, a state dir, and the engine between
// them. Products are edited directly (as a user would in their UI).

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "connectors/memory/memory_connector.hpp"
#include "daemon/engine/engine.hpp"
#include "mapping/model.hpp"
#include "mapping/settings.hpp"
#include "state/store.hpp"

namespace zohosync::testing {

inline constexpr const char* kInvPersons = "inventory.contact_persons";
inline constexpr const char* kInvUsers = "inventory.users";
inline constexpr const char* kProjects = "projects.contacts";
inline constexpr const char* kCrm = "crm.contacts";
inline constexpr const char* kContracts = "contracts.counterparty_contacts";
inline const std::vector<std::string> kAll = {kInvPersons, kInvUsers, kProjects, kCrm, kContracts};

// Settings with all five collections enabled; creates into every collection
// but inventory.users (inviting sends e-mail).
mapping::SyncSettings default_settings();
connectors::MemoryOptions memory_options(const std::string& collection);

class World {
 public:
  explicit World(mapping::SyncSettings settings = default_settings(),
                 const std::function<void(connectors::MemoryOptions&)>& tweak = {});
  ~World();
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  connectors::MemoryConnector& product(const std::string& collection);
  daemon::CycleReport run(daemon::CycleOptions options = {});
  // Closes and reopens the store and the engine (a process restart).
  void restart();
  // Closes the store and the engine, runs `fn` on the state dir (as another
  // version of zohosync, or a user, would touch it), then reopens them.
  void while_stopped(const std::function<void(const std::string& state_dir)>& fn);
  void set_settings(mapping::SyncSettings settings);

  // A UI-style record in a product, with canonical-ish convenience.
  std::string add(const std::string& collection, const std::string& email, const std::string& first,
                  const std::string& last, std::map<std::string, std::string> extra = {});

  std::vector<mapping::PersonRow> people();
  std::vector<mapping::LinkRow> links();
  std::vector<mapping::ConflictRow> conflicts();
  std::optional<mapping::PersonRow> person_by_email(const std::string& email);
  std::size_t outbox_size();
  std::vector<state::JournalEntry> journal();
  std::size_t total_writes() const;
  std::size_t total_violations() const;
  void reset_counters();
  void forbid_writes(bool forbid);
  const std::filesystem::path& dir() const { return dir_; }
  daemon::Engine& engine() { return *engine_; }
  // The world's store and settings, for a second engine beside the first (as
  // another zohosync process on the same state dir).
  state::Store& store() { return *store_; }
  const mapping::SyncSettings& settings() const { return settings_; }

  std::int64_t now_ms = 1'800'000'000'000;

 private:
  void open();

  std::filesystem::path dir_;
  mapping::SyncSettings settings_;
  std::map<std::string, std::unique_ptr<connectors::MemoryConnector>> products_;
  std::optional<state::Store> store_;
  std::unique_ptr<daemon::Engine> engine_;
};

// What a user comparing the products with `zohosync conflicts` would call
// wrong: a linked record that disagrees with its person (normalized, per
// carried field) other than in a field held by an open conflict on that very
// record (the record keeps its value; every other record of the person
// agrees with the person), and an open conflict on a record that is not
// linked (any more). Returns the problems.
std::vector<std::string> disagreements(World& world);

// Records with an email that are neither linked nor reported by `full` (the
// report of a full-listing cycle run with keep_actions) as a within-product
// duplicate or skipped: people zohosync neither syncs nor tells about.
std::vector<std::string> unreported_records(World& world, const daemon::CycleReport& full);

// A stable text dump of every product's records (fields only), for comparing
// end states.
std::string dump_products(World& world);

}  // namespace zohosync::testing
