#include "connectors/limits/concurrency.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>

namespace zohosync::connectors {

ConcurrencyLimiter::Permit& ConcurrencyLimiter::Permit::operator=(Permit&& other) noexcept {
  if (this != &other) {
    release();
    owner_ = std::exchange(other.owner_, nullptr);
  }
  return *this;
}

void ConcurrencyLimiter::Permit::release() {
  if (owner_)
    std::exchange(owner_, nullptr)->release_one();
}

ConcurrencyLimiter::ConcurrencyLimiter(std::size_t max_in_flight)
    : max_(std::max<std::size_t>(1, max_in_flight)) {}

boost::asio::awaitable<ConcurrencyLimiter::Permit> ConcurrencyLimiter::acquire() {
  while (in_flight_ >= max_) {
    // A timer that never expires serves as the wait queue entry; release_one
    // cancels it to wake this waiter, which then checks again.
    const auto executor = co_await boost::asio::this_coro::executor;
    auto timer = std::make_shared<boost::asio::steady_timer>(
        executor, boost::asio::steady_timer::time_point::max());
    waiters_.push_back(timer);
    boost::system::error_code ignored;
    co_await timer->async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ignored));
  }
  ++in_flight_;
  peak_ = std::max(peak_, in_flight_);
  co_return Permit(this);
}

void ConcurrencyLimiter::release_one() {
  --in_flight_;
  while (!waiters_.empty()) {
    auto timer = std::move(waiters_.front());
    waiters_.pop_front();
    // use_count 1: its coroutine is gone; wake the next one instead.
    if (timer.use_count() > 1) {
      timer->cancel();
      return;
    }
  }
}

}  // namespace zohosync::connectors
