#pragma once
// The metrics a finished cycle feeds: cycles by result, records seen,
// actions by kind, write outcomes, quarantines, journal pruning and the last
// successful cycle time, all per collection. Every series of the polled
// collections exists from the start, at 0: a rate() or an alert over them
// needs a first sample before the first event.

#include <cstdint>
#include <string>
#include <vector>

#include "daemon/metrics.hpp"

namespace zohosync::daemon {

struct CycleOutcome;

void describe_cycle_metrics(metrics::Registry& registry,
                            const std::vector<std::string>& collections);
void record_cycle(metrics::Registry& registry, const CycleOutcome& outcome, std::int64_t now_ms);

}  // namespace zohosync::daemon
