#include "connectors/limits/clock.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace zohosync::connectors {

std::chrono::steady_clock::time_point SystemClock::now() const {
  return std::chrono::steady_clock::now();
}

std::chrono::system_clock::time_point SystemClock::wall_now() const {
  return std::chrono::system_clock::now();
}

boost::asio::awaitable<void> SystemClock::sleep_for(std::chrono::nanoseconds duration) {
  const auto executor = co_await boost::asio::this_coro::executor;
  boost::asio::steady_timer timer(executor);
  timer.expires_after(duration);
  co_await timer.async_wait(boost::asio::use_awaitable);
}

boost::asio::awaitable<void> ManualClock::sleep_for(std::chrono::nanoseconds duration) {
  sleeps_.push_back(duration);
  advance(duration);
  co_return;
}

void ManualClock::advance(std::chrono::nanoseconds duration) {
  steady_ += duration;
  wall_ += std::chrono::duration_cast<std::chrono::system_clock::duration>(duration);
}

}  // namespace zohosync::connectors
