#include "connectors/limits/token_bucket.hpp"

#include <algorithm>
#include <cmath>

namespace zohosync::connectors {

TokenBucket::TokenBucket(RateLimit limit, std::chrono::steady_clock::time_point now)
    : limit_(limit), tokens_(std::max(1.0, limit.burst)), updated_(now) {
  // A zero or negative rate would mean "never"; a misconfiguration must not hang.
  limit_.requests_per_second = std::max(limit_.requests_per_second, 1e-6);
  limit_.burst = std::max(1.0, limit_.burst);
}

void TokenBucket::refill(std::chrono::steady_clock::time_point now) {
  tokens_ = available(now);
  updated_ = std::max(updated_, now);
}

double TokenBucket::available(std::chrono::steady_clock::time_point now) const {
  if (now <= updated_)
    return tokens_;
  const double elapsed = std::chrono::duration<double>(now - updated_).count();
  return std::min(limit_.burst, tokens_ + elapsed * limit_.requests_per_second);
}

std::chrono::nanoseconds TokenBucket::reserve(std::chrono::steady_clock::time_point now) {
  refill(now);
  tokens_ -= 1.0;
  if (tokens_ >= 0)
    return std::chrono::nanoseconds::zero();
  const double wait_seconds = -tokens_ / limit_.requests_per_second;
  return std::chrono::nanoseconds(static_cast<std::int64_t>(std::ceil(wait_seconds * 1e9)));
}

}  // namespace zohosync::connectors
