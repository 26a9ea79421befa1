#pragma once
// The planner: (state, observations, settings) -> actions. Algorithm, per
// cycle:
//   1. Ingest, collection by collection in the configured order. Each record
//      is decided (record_decision.hpp: linked, matched by normalized email,
//      a new person, a within-product duplicate, or skipped for its email)
//      and the decision applied: the person, the link's base, the email
//      index and the conflicts change, and an action reports it.
//      Disappeared records (named by the product, absent from a full
//      listing, or linked under a parent the listing read whole) are handled
//      per on_delete, behind the mass-delete guard.
//   2. Push (push.hpp): for every person touched in step 1, the updates and
//      creates that make its records match it.
// State rows change through StateAccess (the executor's write transaction);
// every decision is emitted as an Action with its reason. No I/O, no clock:
// `now_ms` comes from the caller.

#include <cstdint>
#include <functional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "mapping/actions.hpp"
#include "mapping/collections.hpp"
#include "mapping/model.hpp"
#include "mapping/observation.hpp"
#include "mapping/plan_sink.hpp"
#include "mapping/record_decision.hpp"
#include "mapping/settings.hpp"
#include "mapping/state_access.hpp"

namespace zohosync::mapping {

void plan(StateAccess& state, std::span<const Observation> observations,
          const SyncSettings& settings, std::int64_t now_ms, PlanSink& sink);

// Step 2 alone, for people changed outside a cycle (a resolved conflict, a
// released quarantine): updates and creates so their records match them.
void plan_push(StateAccess& state, std::span<const PersonId> people, const SyncSettings& settings,
               std::int64_t now_ms, PlanSink& sink);

}  // namespace zohosync::mapping
