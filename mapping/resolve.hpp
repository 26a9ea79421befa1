#pragma once
// User decisions the planner cannot make: resolving a held conflict and
// releasing a quarantined person. Both only change state; the next cycle
// writes whatever the products then lack.

#include <optional>
#include <string>
#include <string_view>

#include "mapping/state_access.hpp"

namespace zohosync::mapping {

enum class Take : std::uint8_t {
  person = 0,  // keep the person's value: the conflicting record gets it written
  record = 1,  // take the record's value: every other linked record gets it written
};

// Resolves the open conflict of (person, field) held on the person's record
// in `collection`; an empty `collection` names the one open conflict of the
// person on that field (an error when there are several). Returns an error
// message, or std::nullopt on success. `now_ms` stamps the person's field
// origin. The person's other conflicts on the field stay open.
std::optional<std::string> resolve_conflict(StateAccess& state, PersonId person, Field field,
                                            std::string_view collection, Take take,
                                            std::int64_t now_ms);
// The same with no collection named.
std::optional<std::string> resolve_conflict(StateAccess& state, PersonId person, Field field,
                                            Take take, std::int64_t now_ms);

// Lets a quarantined person be written again and forgets its recent flips.
bool release_quarantine(StateAccess& state, PersonId person);

}  // namespace zohosync::mapping
