#include "connectors/limits/retry_policy.hpp"

#include <algorithm>

namespace zohosync::connectors {

RetryPolicy::RetryPolicy(RetryOptions options, std::uint64_t seed)
    : options_(options), random_(seed) {
  options_.max_attempts = std::max(1, options_.max_attempts);
}

std::chrono::milliseconds RetryPolicy::backoff_cap(int retry) const {
  const auto base = std::max<std::int64_t>(1, options_.base_delay.count());
  const auto cap = options_.max_delay.count();
  // Doubling stops once past the cap; no overflow for large retry numbers.
  std::int64_t bound = base;
  for (int i = 1; i < retry && bound < cap; ++i)
    bound *= 2;
  return std::chrono::milliseconds(std::min(bound, cap));
}

std::chrono::milliseconds RetryPolicy::backoff(int retry) {
  std::uniform_int_distribution<std::int64_t> jitter(0, backoff_cap(retry).count());
  return std::chrono::milliseconds(jitter(random_));
}

std::optional<std::chrono::milliseconds> RetryPolicy::next_delay(
    int attempts, Retryability retryability, bool idempotent,
    std::optional<std::chrono::seconds> retry_after) {
  if (retryability == Retryability::never)
    return std::nullopt;
  if (blocked_by_idempotency(retryability, idempotent))
    return std::nullopt;
  if (attempts >= options_.max_attempts)
    return std::nullopt;
  if (retry_after) {
    if (*retry_after > options_.max_retry_after)
      return std::nullopt;
    return std::chrono::duration_cast<std::chrono::milliseconds>(*retry_after);
  }
  return backoff(attempts);
}

}  // namespace zohosync::connectors
