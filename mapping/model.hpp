#pragma once
// The rows the planner reads and writes (people, links, conflicts) and the
// actions it emits. Plain data: the state layer stores these, the executor
// runs the actions, the CLI prints them. Enum values are stored on disk
// (outbox, conflicts): never renumber.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "mapping/collections.hpp"
#include "mapping/fields.hpp"

namespace zohosync::mapping {

using PersonId = std::uint64_t;

// Where a canonical value came from: the observation that set it.
struct FieldOrigin {
  std::int64_t time_ms = 0;  // the product's modified time of that observation
  std::string collection;
};

struct Flip {
  Field field = Field::email;
  std::int64_t time_ms = 0;
};

// One human: the hub every linked record is synced with.
struct PersonRow {
  PersonId id = 0;
  FieldValues values;
  std::array<FieldOrigin, kFieldCount> origins{};
  // Quarantined people are still read but never written (see flip_limit).
  bool quarantined = false;
  // Recent adoptions per field, pruned to the flip window.
  std::vector<Flip> flips;
};

// A record of a collection linked to a person, with its base: the
// collection's projection of the person when the two last agreed.
struct LinkRow {
  std::string collection;
  std::string record_id;
  PersonId person = 0;
  FieldValues base;
  std::int64_t remote_time = 0;  // the product's modified time of `base`
  std::string parent_id;
};

struct ConflictRow {
  PersonId person = 0;
  Field field = Field::email;
  std::string collection;
  std::string record_id;
  std::string remote_value;
  std::string canonical_value;
  std::int64_t remote_time = 0;
  std::int64_t canonical_time = 0;
  std::int64_t opened_ms = 0;
};

enum class ActionKind : std::uint8_t {
  create = 0,       // write: create the person in a target collection (after a lookup by email)
  update = 1,       // write: update fields of a linked record
  remove = 2,       // write: delete a linked record (on_delete = propagate)
  link = 3,         // state: a record was linked to a (new or existing) person
  unlink = 4,       // state: a record disappeared and its link was dropped
  conflict = 5,     // state: two products changed a field differently
  record_only = 6,  // state: the person or a base changed, nothing to write
  skip = 7,         // report: a record was not synced (no email, tombstone, no parent id)
  duplicate = 8,    // report: a second record with a linked person's email in one collection
  quarantine = 9,   // report: a person flips too often and is no longer written
  refuse = 10,      // report: a per-record error found while planning, or a guard refusal
};

std::string_view to_string(ActionKind kind);
inline bool is_write(ActionKind kind) {
  return kind == ActionKind::create || kind == ActionKind::update || kind == ActionKind::remove;
}

struct FieldChange {
  Field field = Field::email;
  std::string before;
  std::string after;
};

// One decision of the planner, with the reason a user will read.
struct Action {
  ActionKind kind = ActionKind::record_only;
  std::string collection;  // the target (writes) or the observed collection
  std::string record_id;   // the target record; empty for a create
  std::string parent_id;   // create: the parent to create under
  PersonId person = 0;
  std::string person_email;
  std::string origin_collection;  // where the change came from
  std::string origin_record;
  std::vector<FieldChange> changes;  // canonical fields, before/after
  NativeFields payload;              // create/update: the native fields to send
  std::string reason;
  // conflict: the field is held for manual resolution (not persisted:
  // conflicts never go to the outbox).
  bool held = false;
};

}  // namespace zohosync::mapping
