#pragma once
// The metrics a finished cycle feeds: cycles by result, records seen,
// actions by kind, write outcomes, quarantines, journal pruning and the last
// successful cycle time, all per collection.

#include <cstdint>

#include "daemon/metrics.hpp"

namespace zohosync::daemon {

struct CycleOutcome;

void describe_cycle_metrics(metrics::Registry& registry);
void record_cycle(metrics::Registry& registry, const CycleOutcome& outcome, std::int64_t now_ms);

}  // namespace zohosync::daemon
