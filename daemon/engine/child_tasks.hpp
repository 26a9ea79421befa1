#pragma once
// A task group for the coroutines a cycle spawns.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstddef>
#include <deque>

namespace zohosync::daemon {

// The tasks a cycle spawns (its listings, a batch's writes). Each gets a
// cancellation signal of its own, and the cycle waits for every one of them
// before it goes on, also when the cycle itself is cancelled (cut at its
// deadline, or stopped): then the tasks are cancelled too and still waited
// for, so none outlives the cycle's state, the connectors or the API clients,
// and nothing is planned from a half-done listing.
//
// Not Asio's experimental parallel_group: its ranged form (Boost 1.81)
// cancels every operation together, where a listing cut at its deadline is
// cancelled alone while the others go on, and it delivers the results only
// at the end, where a listing's progress is reported as each one ends.
class ChildTasks {
 public:
  explicit ChildTasks(const boost::asio::any_io_executor& executor)
      : all_done_(executor, boost::asio::steady_timer::time_point::max()) {}

  // Registers the next spawned task; bind it to slot(index).
  std::size_t add() {
    ++remaining_;
    children_.emplace_back();
    return children_.size() - 1;
  }
  boost::asio::cancellation_slot slot(std::size_t index) { return children_[index].signal.slot(); }
  // Called from each task's completion handler.
  void finished(std::size_t index) {
    children_[index].done = true;
    if (--remaining_ == 0)
      all_done_.cancel();
  }
  std::size_t remaining() const { return remaining_; }
  // Cancels every task still running; each still calls finished().
  void cancel_unfinished() {
    for (auto& child : children_) {
      if (!child.done)
        child.signal.emit(boost::asio::cancellation_type::terminal);
    }
  }

  // True when every task ended; false when the cycle was cancelled
  // meanwhile: the tasks are then cancelled and waited for, and the caller
  // must stop the cycle (the calling coroutine can no longer be cancelled).
  boost::asio::awaitable<bool> wait_all();

 private:
  struct Child {
    boost::asio::cancellation_signal signal;
    bool done = false;
  };
  std::deque<Child> children_;  // stable addresses: each slot refers to its signal
  std::size_t remaining_ = 0;
  boost::asio::steady_timer all_done_;
};

}  // namespace zohosync::daemon
