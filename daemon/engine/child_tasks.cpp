// GCC 12 reports a false -Wmismatched-new-delete on Asio's coroutine frames
// (awaitable_frame_base has matching class-level new/delete).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

#include "daemon/engine/child_tasks.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace zohosync::daemon {

boost::asio::awaitable<bool> ChildTasks::wait_all() {
  boost::system::error_code ignored;
  if (remaining_ > 0) {
    co_await all_done_.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ignored));
  }
  if (remaining_ == 0)
    co_return true;
  // Only the cycle's cancellation ends the wait early.
  co_await boost::asio::this_coro::reset_cancellation_state(boost::asio::disable_cancellation());
  cancel_unfinished();
  while (remaining_ > 0) {
    co_await all_done_.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ignored));
  }
  co_return false;
}

}  // namespace zohosync::daemon
