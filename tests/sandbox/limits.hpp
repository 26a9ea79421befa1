// Per-product rate limits, as each product documents (or is reported to
// enforce) them. Windows run on the sandbox clock so tests can step past them.
#pragma once

#include "tests/sandbox/options.hpp"

#include <cstdint>
#include <deque>
#include <utility>

namespace zohosync::sandbox {

enum class limit_verdict {
  ok,
  crm_concurrency,
  crm_credits,
  inventory_minute,
  inventory_daily,
  inventory_concurrency,
  projects_locked,
};

// The counters' name for a refusal ("inventory_minute", ...).
const char* limit_name(limit_verdict v);

class rate_limiter {
 public:
  // Admits one call costing `credits` (CRM only) or says which limit refused
  // it. An admitted call is in flight until done() is called.
  limit_verdict admit(product p, const limit_options& lim, std::int64_t now, int credits);
  void done(product p);
  void reset();
  int in_flight(product p) const { return in_flight_[static_cast<int>(p)]; }
  long crm_credits_used(std::int64_t now);

 private:
  int in_flight_[4] = {0, 0, 0, 0};
  std::deque<std::pair<std::int64_t, int>> crm_credits_;  // (time, credits), rolling 24 h
  long crm_credit_sum_ = 0;
  std::deque<std::int64_t> inventory_minute_;
  std::deque<std::int64_t> inventory_day_;
  std::deque<std::int64_t> projects_window_;
  std::int64_t projects_locked_until_ = 0;
};

}  // namespace zohosync::sandbox
