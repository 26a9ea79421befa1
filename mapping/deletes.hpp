#pragma once
// Records that disappeared from a collection: found by omission under the
// parents a listing read whole, refused in bulk by the mass-delete guard,
// and otherwise handled per on_delete (ignore, unlink with a tombstone, or
// propagate: a delete of every other record of the person).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "mapping/model.hpp"
#include "mapping/observation.hpp"
#include "mapping/plan_sink.hpp"
#include "mapping/settings.hpp"
#include "mapping/state_access.hpp"

namespace zohosync::mapping {

// The records linked under a parent an incremental listing read whole that
// the listing neither holds (under any parent: a moved record is not
// deleted) nor names as deleted. The links say which records were under the
// parent, so this needs no memory of earlier listings.
std::vector<std::string> deleted_under_complete_parents(StateAccess& state,
                                                        const Observation& observation);

// The linked records of the observed collection gone this cycle: named by
// the product, `inferred` (above), or, after a full listing, absent from it
// (`seen`: the ids it held). Sorted and unique after a full listing.
std::vector<std::string> disappeared(StateAccess& state, const Observation& observation,
                                     std::vector<std::string> inferred,
                                     const std::unordered_set<std::string_view>& seen);

// The mass-delete guard: when dropping `count` links of `collection` at once
// is refused (more than mass_delete_min of them and more than
// mass_delete_share of its links, and no force_delete), the number of its
// links; nullopt when it may go ahead. Deletes and include rules share it.
std::optional<std::size_t> mass_delete_refusal(StateAccess& state, const SyncSettings& settings,
                                               std::string_view collection, std::size_t count);

// Applies the deletes of `gone` (linked record ids of `collection`), unless
// the mass-delete guard refuses them all. People deleted everywhere join
// `deleting` (they get no other writes this cycle).
void plan_deletes(StateAccess& state, const SyncSettings& settings,
                  const CollectionSettings& collection, const std::vector<std::string>& gone,
                  std::int64_t now_ms, PlanSink& sink, std::set<PersonId>& deleting);

}  // namespace zohosync::mapping
