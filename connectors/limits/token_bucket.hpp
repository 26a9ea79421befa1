#pragma once
// Request-rate limiting per product: a token bucket (rate + burst) whose
// reservations may go into debt, so concurrent callers are spaced out in the
// order they asked without a waiter queue. Hand-written: a few lines, and no
// Debian-packaged C++ library offers one that reserves ahead like this.

#include <chrono>

namespace zohosync::connectors {

struct RateLimit {
  double requests_per_second = 1.0;
  double burst = 1.0;  // requests that may go out back to back after a quiet spell
};

class TokenBucket {
 public:
  TokenBucket(RateLimit limit, std::chrono::steady_clock::time_point now);

  // Takes one token; returns how long the caller must wait before sending
  // (zero when a token was available).
  std::chrono::nanoseconds reserve(std::chrono::steady_clock::time_point now);
  // Tokens there at `now` (negative while callers wait), taking none.
  double available(std::chrono::steady_clock::time_point now) const;

  const RateLimit& limit() const { return limit_; }

 private:
  void refill(std::chrono::steady_clock::time_point now);

  RateLimit limit_;
  double tokens_;
  std::chrono::steady_clock::time_point updated_;
};

}  // namespace zohosync::connectors
