#pragma once
// When to try a failed request again, and how long to wait: exponential
// backoff with full jitter (a uniform wait in [0, min(cap, base * 2^n)]), or
// the server's Retry-After when it sends one. Blind retries only where they
// are safe: the server did not act on the request, or acting twice is harmless.

#include <chrono>
#include <cstdint>
#include <optional>
#include <random>
#include <string>

#include "connectors/errors.hpp"

namespace zohosync::connectors {

struct RetryOptions {
  int max_attempts = 5;  // including the first
  std::chrono::milliseconds base_delay{500};
  std::chrono::milliseconds max_delay{std::chrono::seconds(30)};
  // A Retry-After longer than this is not waited out inside one call (e.g. a
  // daily cap, or Projects' 30-minute lock-out): the error goes to the caller.
  std::chrono::seconds max_retry_after{std::chrono::minutes(2)};
};

// What a failure says about the request.
enum class Retryability {
  never,           // a definite answer (4xx, configuration): retrying changes nothing
  not_processed,   // refused before it took effect (429, throttle codes, no connection)
  maybe_processed  // timeout, reset, 5xx: the server may have acted on it
};

// Thrown instead of retrying a non-idempotent request (a create) whose outcome
// is unknown: the caller must look the record up before it sends it again.
class OutcomeUnknown : public ConnectorError {
 public:
  explicit OutcomeUnknown(std::string message)
      : ConnectorError(ErrorClass::transient, std::move(message), "OUTCOME_UNKNOWN") {}
};

class RetryPolicy {
 public:
  explicit RetryPolicy(RetryOptions options, std::uint64_t seed = std::random_device{}());

  // The backoff before retry number `retry` (1 = the first retry), full jitter.
  std::chrono::milliseconds backoff(int retry);
  // The upper bound that backoff(retry) draws below.
  std::chrono::milliseconds backoff_cap(int retry) const;

  // nullopt: do not retry. `attempts` = attempts made so far (>= 1).
  std::optional<std::chrono::milliseconds> next_delay(
      int attempts, Retryability retryability, bool idempotent,
      std::optional<std::chrono::seconds> retry_after);

  // True when the only reason not to retry is that the request is not idempotent.
  static bool blocked_by_idempotency(Retryability retryability, bool idempotent) {
    return retryability == Retryability::maybe_processed && !idempotent;
  }

  const RetryOptions& options() const { return options_; }

 private:
  RetryOptions options_;
  std::mt19937_64 random_;
};

}  // namespace zohosync::connectors
