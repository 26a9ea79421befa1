#pragma once
// /healthz: the daemon is healthy while every polled collection has finished
// a successful cycle within `max_missed_polls` of its poll intervals. A
// collection that has not synced yet is given the same allowance from the
// daemon's start, so a fresh start is not reported unhealthy.

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace zohosync::daemon {

struct CollectionHealth {
  std::string collection;
  std::chrono::milliseconds poll_interval{0};
  std::int64_t last_success_ms = 0;  // unix ms of the last successful cycle; 0 = never
};

struct HealthVerdict {
  bool healthy = true;
  // One line per late collection ("crm.contacts: last synced 912 s ago, allowed 900 s"),
  // or "ok".
  std::string reason;
};

HealthVerdict judge_health(const std::vector<CollectionHealth>& collections, int max_missed_polls,
                           std::int64_t started_ms, std::int64_t now_ms);

}  // namespace zohosync::daemon
