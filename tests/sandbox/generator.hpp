// Seeded people for the four products: the same seed and knobs give the same
// records (ids, names, emails, memberships); only the timestamps follow the
// clock at generation time.
#pragma once

#include <string_view>

#include "tests/sandbox/data.hpp"
#include "tests/sandbox/options.hpp"

#include <cstdint>

namespace zohosync::sandbox {

// Parents that exist in every generated population (no people under them).
inline constexpr std::string_view kDefaultInventoryContact = "460000000000001";
inline constexpr std::string_view kDefaultProjectsClient = "170876000000000001";
inline constexpr std::string_view kDefaultContractsCounterparty = "NewPeople";

store generate(const options& opts, std::int64_t now);

}  // namespace zohosync::sandbox
