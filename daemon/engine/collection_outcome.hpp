#pragma once
// Whether a cycle read a collection, and if not, why, in the words an
// operator reads in the log, `status` and the status page.

#include <string>

#include "daemon/engine/report.hpp"

namespace zohosync::daemon {

// "" when `report` listed `collection` and nothing fatal stopped the cycle.
// Otherwise the reason: `cycle_error` (the cycle threw or timed out) when
// set, else the collection's listing failure, an outage said as one
// ("cannot reach crm: …").
std::string collection_failure(const CycleReport& report, const std::string& collection,
                               const std::string& cycle_error = {});

}  // namespace zohosync::daemon
