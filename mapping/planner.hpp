#pragma once
// The planner: (state, observations, settings) -> actions. Algorithm, per
// cycle:
//   1. Ingest, collection by collection in the configured order. Each record
//      is resolved to a person (link by record id first, then by normalized
//      email; no email: skipped; a second record with a linked email in the
//      same collection: a duplicate, untouched) and merged field by field
//      (merge.hpp) into the person and the link's base. Disappeared records
//      are handled per on_delete, behind the mass-delete guard.
//   2. Push: for every person touched in step 1, each link whose base differs
//      from the person gets an update; each configured create target without
//      a link (and without a tombstone) gets a create.
// State rows change through StateAccess (the executor's write transaction);
// every decision is emitted as an Action with its reason. No I/O, no clock:
// `now_ms` comes from the caller.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "mapping/collections.hpp"
#include "mapping/model.hpp"
#include "mapping/settings.hpp"
#include "mapping/state_access.hpp"

namespace zohosync::mapping {

// One record as a connector listed it (the connectors' Record has the same shape).
struct ObservedRecord {
  std::string id;
  std::string parent_id;
  NativeFields fields;
  std::int64_t modified_ms = 0;
  std::int64_t created_ms = 0;  // orders within-product duplicates (oldest is linked)
};

// One collection's listing for this cycle.
struct Observation {
  std::string collection;
  // False when the listing failed or stopped early: the collection is
  // "unknown", never "empty" -- nothing is inferred from it and nothing is
  // written to it this cycle.
  bool complete = true;
  // True when `records` holds every record (a full listing rather than the
  // changes since a cursor): linked records missing from it were deleted.
  bool full = false;
  std::vector<ObservedRecord> records;
  std::vector<std::string> deleted;  // ids the product reports as deleted
};

class PlanSink {
 public:
  virtual ~PlanSink() = default;
  virtual void emit(Action&& action) = 0;
  // A write this person needs in `collection` was not planned because that
  // collection could not be listed this cycle: the caller must plan again
  // once it answers (the change that asked for the write must not be lost).
  virtual void deferred(const std::string& collection) { (void)collection; }
};

class CollectingSink final : public PlanSink {
 public:
  void emit(Action&& action) override { actions.push_back(std::move(action)); }
  std::vector<Action> actions;
};

void plan(StateAccess& state, std::span<const Observation> observations,
          const SyncSettings& settings, std::int64_t now_ms, PlanSink& sink);

// Step 2 alone, for people changed outside a cycle (a resolved conflict, a
// released quarantine): updates and creates so their records match them.
void plan_push(StateAccess& state, std::span<const PersonId> people, const SyncSettings& settings,
               std::int64_t now_ms, PlanSink& sink);

// "first_name 'Ann' -> 'Anna', ..." for reasons.
std::string describe_changes(const std::vector<FieldChange>& changes);

}  // namespace zohosync::mapping
