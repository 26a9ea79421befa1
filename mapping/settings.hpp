#pragma once
// What the engine needs from the configuration, as plain data. The daemon
// translates the TOML config into these; mapping itself knows no config format.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/include_rule.hpp"
#include "common/sync_policy.hpp"
#include "mapping/fields.hpp"

namespace zohosync::mapping {

// The policies are common's (shared with config, which parses their words);
// the engine knows them by these names.
using common::ConflictPolicy;
using OnDelete = common::DeletePolicy;
using common::Direction;
using common::reads;
using common::to_string;
using common::writes;

struct CollectionSettings {
  std::string id;  // e.g. "crm.contacts"
  bool enabled = true;
  // New people are created in this collection (after a lookup by email).
  bool create_target = false;
  // Parent for creates where the product needs one (Inventory contact id,
  // Projects client id, Contracts counterparty id).
  std::string default_parent_id;
  std::array<Direction, kFieldCount> directions = [] {
    std::array<Direction, kFieldCount> all{};
    all.fill(Direction::both);
    return all;
  }();

  // What a record deleted in this collection does; unset = SyncSettings::on_delete.
  std::optional<OnDelete> on_delete;
  // Per field: may a value blanked in this collection clear the person's
  // value? (On top of SyncSettings::blank_overwrites.)
  std::array<bool, kFieldCount> blank_overwrites{};
  // Selective sync: only records for which every rule holds take part, as a
  // source and as a create target (selection.hpp). Empty: every record.
  std::vector<common::IncludeRule> include;

  Direction direction(Field field) const { return directions[index_of(field)]; }
};

struct SyncSettings {
  ConflictPolicy conflict_policy = ConflictPolicy::newest;
  // Collection ids, most trusted first. Used by `priority`, and by `newest` on a tie.
  std::vector<std::string> priority;
  OnDelete on_delete = OnDelete::unlink;
  // A cycle in which more than this share of a collection's linked records
  // disappears (and more than mass_delete_min of them) is refused.
  double mass_delete_share = 0.25;
  std::size_t mass_delete_min = 10;
  bool force_delete = false;  // override the guard for one run
  // Per field: may a blank value overwrite a non-blank one? Off by default.
  std::array<bool, kFieldCount> blank_overwrites{};
  // A field of a person adopted more than flip_limit times within
  // flip_window_ms quarantines the person (no more writes) instead.
  int flip_limit = 6;
  std::int64_t flip_window_ms = 60LL * 60 * 1000;
  // Collections in the order they are reconciled (this order also decides
  // which of two same-cycle edits is applied first).
  std::vector<CollectionSettings> collections;

  const CollectionSettings* collection(std::string_view id) const {
    for (const auto& c : collections) {
      if (c.id == id)
        return &c;
    }
    return nullptr;
  }
  // Position in `priority`; unlisted collections rank after every listed one.
  int rank(std::string_view id) const {
    for (std::size_t i = 0; i < priority.size(); ++i) {
      if (priority[i] == id)
        return static_cast<int>(i);
    }
    return static_cast<int>(priority.size());
  }
};

}  // namespace zohosync::mapping
