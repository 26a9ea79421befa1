#pragma once
// The three-way merge of one field (DESIGN.md, "The reconcile rule"):
// base (the link's last agreed value), remote (what the collection shows now)
// and canonical (the person). A pure function, tested table-driven.

#include <cstdint>
#include <string>
#include <string_view>

#include "mapping/fields.hpp"
#include "mapping/settings.hpp"

namespace zohosync::mapping {

enum class MergeOutcome : std::uint8_t {
  unchanged,           // nothing moved (or both blank on a new link)
  push,                // remote == base, canonical moved: the collection is stale, write canonical
  adopt,               // only the remote moved: canonical := remote
  agree,               // both moved to the same value: base := remote
  fill_canonical,      // new link, canonical blank: canonical := remote
  fill_remote,         // new link, remote blank: write canonical
  blank_refused,       // the remote was blanked but blanks do not overwrite: write canonical back
  conflict_remote,     // both moved differently, the policy chose the remote
  conflict_canonical,  // both moved differently, the policy chose the canonical value
  conflict_held,       // both moved differently, policy manual: hold the field
};

std::string_view to_string(MergeOutcome outcome);

// True when the outcome makes canonical := remote.
inline bool takes_remote(MergeOutcome o) {
  return o == MergeOutcome::adopt || o == MergeOutcome::fill_canonical ||
         o == MergeOutcome::conflict_remote;
}
inline bool is_conflict(MergeOutcome o) {
  return o == MergeOutcome::conflict_remote || o == MergeOutcome::conflict_canonical ||
         o == MergeOutcome::conflict_held;
}

struct MergeInput {
  Field field = Field::email;
  const std::string* base = nullptr;  // nullptr: a new link (no base yet)
  std::string_view remote;
  std::string_view canonical;
  // For `newest`: the remote record's modified time, and the modified time of
  // the observation that last set the canonical value (ms since the epoch).
  std::int64_t remote_time = 0;
  std::int64_t canonical_time = 0;
  // For `priority` (and ties under `newest`): lower wins.
  int remote_rank = 0;
  int canonical_rank = 0;
  ConflictPolicy policy = ConflictPolicy::newest;
  bool blank_overwrites = false;
};

MergeOutcome merge_field(const MergeInput& in);

}  // namespace zohosync::mapping
