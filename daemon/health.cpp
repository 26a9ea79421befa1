#include "daemon/health.hpp"

#include <fmt/format.h>
#include <algorithm>

namespace zohosync::daemon {

HealthVerdict judge_health(const std::vector<CollectionHealth>& collections, int max_missed_polls,
                           std::int64_t started_ms, std::int64_t now_ms) {
  HealthVerdict verdict;
  std::string reasons;
  for (const auto& c : collections) {
    const std::int64_t allowed = c.poll_interval.count() * std::max(1, max_missed_polls);
    const bool never = c.last_success_ms == 0;
    const std::int64_t since = now_ms - (never ? started_ms : c.last_success_ms);
    if (since <= allowed)
      continue;
    verdict.healthy = false;
    if (never) {
      reasons += fmt::format("{}: no successful sync since the start {} s ago, allowed {} s\n",
                             c.collection, since / 1000, allowed / 1000);
    } else {
      reasons += fmt::format("{}: last synced {} s ago, allowed {} s\n", c.collection, since / 1000,
                             allowed / 1000);
    }
  }
  verdict.reason = verdict.healthy ? "ok\n" : reasons;
  return verdict;
}

}  // namespace zohosync::daemon
