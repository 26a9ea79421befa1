#pragma once
// Gathers per-record writes that arrive in the same io_context turn into one
// batch call. The engine sends up to 64 writes concurrently, one coroutine
// each; Zoho CRM takes up to 100 records per call, and a Projects create a
// `contacts` array. The first submit of a turn schedules a flush behind
// everything already queued on the executor, so every coroutine started in
// that turn has joined the batch when it is sent; each caller then resumes
// with its own result or error.
//
// Single-threaded: all calls on one io_context thread (as the daemon runs).

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <cstddef>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <utility>
#include <vector>

namespace zohosync::connectors::batch {

// One item's result from a batch call: a value or the error for that item.
template <class Result>
struct Outcome {
  std::optional<Result> value;
  std::exception_ptr error;
};

template <class Item, class Result>
class WriteCoalescer {
 public:
  // Sends one batch (at most max_batch items) and answers one Outcome per item,
  // in order. A throw fails every item of that batch.
  using BatchCall =
      std::function<boost::asio::awaitable<std::vector<Outcome<Result>>>(std::vector<Item>)>;

  WriteCoalescer(std::size_t max_batch, BatchCall call)
      : max_batch_(max_batch == 0 ? 1 : max_batch), call_(std::move(call)) {}

  boost::asio::awaitable<Result> submit(Item item) {
    auto executor = co_await boost::asio::this_coro::executor;
    auto slot = std::make_shared<Slot>(executor, std::move(item));
    queue_.push_back(slot);
    if (!flush_scheduled_) {
      flush_scheduled_ = true;
      boost::asio::co_spawn(executor, flush(), boost::asio::detached);
    }
    while (!slot->done) {
      boost::system::error_code ignored;
      co_await slot->wakeup.async_wait(
          boost::asio::redirect_error(boost::asio::use_awaitable, ignored));
    }
    if (slot->outcome.error)
      std::rethrow_exception(slot->outcome.error);
    co_return std::move(*slot->outcome.value);
  }

  std::size_t batches_sent() const { return batches_sent_; }

 private:
  struct Slot {
    Slot(const boost::asio::any_io_executor& executor, Item item_in)
        : item(std::move(item_in)),
          wakeup(executor, boost::asio::steady_timer::time_point::max()) {}
    Item item;
    Outcome<Result> outcome;
    bool done = false;
    boost::asio::steady_timer wakeup;
  };
  using SlotPtr = std::shared_ptr<Slot>;

  boost::asio::awaitable<void> flush() {
    // Let every coroutine already queued this turn submit first.
    auto executor = co_await boost::asio::this_coro::executor;
    co_await boost::asio::post(executor, boost::asio::use_awaitable);
    std::vector<SlotPtr> slots = std::move(queue_);
    queue_.clear();
    flush_scheduled_ = false;
    for (std::size_t start = 0; start < slots.size(); start += max_batch_) {
      const std::size_t end = std::min(slots.size(), start + max_batch_);
      std::vector<Item> items;
      for (std::size_t i = start; i < end; ++i)
        items.push_back(std::move(slots[i]->item));
      ++batches_sent_;
      try {
        std::vector<Outcome<Result>> outcomes = co_await call_(std::move(items));
        for (std::size_t i = start; i < end; ++i) {
          if (i - start < outcomes.size())
            slots[i]->outcome = std::move(outcomes[i - start]);
          else
            slots[i]->outcome.error = std::make_exception_ptr(
                std::logic_error("write batch answered fewer items than it was given"));
        }
      } catch (...) {
        for (std::size_t i = start; i < end; ++i)
          slots[i]->outcome.error = std::current_exception();
      }
      for (std::size_t i = start; i < end; ++i) {
        slots[i]->done = true;
        slots[i]->wakeup.cancel();
      }
    }
  }

  std::size_t max_batch_;
  BatchCall call_;
  std::vector<SlotPtr> queue_;
  bool flush_scheduled_ = false;
  std::size_t batches_sent_ = 0;
};

}  // namespace zohosync::connectors::batch
