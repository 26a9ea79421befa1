#pragma once
// How long a product takes to answer, as a histogram with fixed bounds (in
// seconds): the daemon exports it per product as
// zohosync_api_request_duration_seconds. Kept here, beside the counters the
// client already keeps, so the connectors know nothing of metrics.

#include <array>
#include <chrono>
#include <cstdint>

namespace zohosync::connectors {

class LatencyHistogram {
 public:
  // Upper bounds of the buckets, seconds; one more bucket above the last (+Inf).
  static constexpr std::array<double, 10> kBounds = {0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};

  void observe(std::chrono::steady_clock::duration elapsed) {
    const double seconds = std::chrono::duration<double>(elapsed).count();
    std::size_t i = 0;
    while (i < kBounds.size() && seconds > kBounds[i])
      ++i;
    ++counts_[i];
    sum_ += seconds;
    ++count_;
  }
  // Per bucket, not cumulative; the last is above every bound.
  const std::array<std::uint64_t, kBounds.size() + 1>& counts() const { return counts_; }
  double sum() const { return sum_; }
  std::uint64_t count() const { return count_; }

 private:
  std::array<std::uint64_t, kBounds.size() + 1> counts_{};
  double sum_ = 0;
  std::uint64_t count_ = 0;
};

}  // namespace zohosync::connectors
