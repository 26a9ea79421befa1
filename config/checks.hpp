#pragma once

#include "config/config.hpp"
#include "config/reporter.hpp"

namespace zohosync::config::detail {

// After every option is bound: applies the command-line overrides, resolves
// URLs and secrets, fills derived members and checks what spans several
// options (required-when, cross references).
void finish(Config& config, Reporter& reporter, const LoadOptions& options);

}  // namespace zohosync::config::detail
