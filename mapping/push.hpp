#pragma once
// Step 2 of a plan: the writes that bring one person's records in line with
// the person. Each linked record whose base differs from the person gets an
// update (fields held by a manual conflict left out); each create target
// without a record (no tombstone, no other person's record holding the email
// under a conflict) gets a create. A write to a collection that could not be
// listed this cycle is not planned but reported as deferred.

#include <functional>
#include <set>
#include <string>

#include "mapping/model.hpp"
#include "mapping/plan_sink.hpp"
#include "mapping/settings.hpp"
#include "mapping/state_access.hpp"

namespace zohosync::mapping {

void push_person(StateAccess& state, const SyncSettings& settings, PersonId id,
                 const std::set<std::string, std::less<>>& unreachable, PlanSink& sink);

}  // namespace zohosync::mapping
