#pragma once
// Time as a dependency: the transport's rate limits, backoff sleeps and token
// expiry all read it through this interface so that tests can run a whole
// retry sequence or a day of credits without sleeping.

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <vector>

namespace zohosync::connectors {

class Clock {
 public:
  virtual ~Clock() = default;
  // Monotonic: rate buckets, budgets, deadlines.
  virtual std::chrono::steady_clock::time_point now() const = 0;
  // Calendar time: token expiry stored on disk, Retry-After dates.
  virtual std::chrono::system_clock::time_point wall_now() const = 0;
  virtual boost::asio::awaitable<void> sleep_for(std::chrono::nanoseconds duration) = 0;
};

// The real clocks; sleeps on a timer of the calling coroutine's executor.
class SystemClock final : public Clock {
 public:
  std::chrono::steady_clock::time_point now() const override;
  std::chrono::system_clock::time_point wall_now() const override;
  boost::asio::awaitable<void> sleep_for(std::chrono::nanoseconds duration) override;
};

// For tests: time moves only when told to, or when someone sleeps (the sleep
// returns at once after advancing the clock and is recorded).
class ManualClock final : public Clock {
 public:
  std::chrono::steady_clock::time_point now() const override { return steady_; }
  std::chrono::system_clock::time_point wall_now() const override { return wall_; }
  boost::asio::awaitable<void> sleep_for(std::chrono::nanoseconds duration) override;

  void advance(std::chrono::nanoseconds duration);
  const std::vector<std::chrono::nanoseconds>& sleeps() const { return sleeps_; }

 private:
  std::chrono::steady_clock::time_point steady_{std::chrono::hours(1000)};
  std::chrono::system_clock::time_point wall_{std::chrono::seconds(1'800'000'000)};
  std::vector<std::chrono::nanoseconds> sleeps_;
};

}  // namespace zohosync::connectors
