// Seeded people for the four products: the same seed and knobs give the same
// records (ids, names, emails, memberships); only the timestamps follow the
// clock at generation time.
#pragma once

#include "tests/sandbox/data.hpp"
#include "tests/sandbox/options.hpp"

#include <cstdint>

namespace zohosync::sandbox {

store generate(const options& opts, std::int64_t now);

}  // namespace zohosync::sandbox
