#pragma once
// A per-product cap on requests in flight (Zoho counts concurrent calls per
// app and org and answers 429 beyond it). Callers on one io_context.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <cstddef>
#include <deque>
#include <memory>
#include <utility>

namespace zohosync::connectors {

class ConcurrencyLimiter {
 public:
  class Permit {
   public:
    Permit() = default;
    explicit Permit(ConcurrencyLimiter* owner) : owner_(owner) {}
    Permit(Permit&& other) noexcept : owner_(std::exchange(other.owner_, nullptr)) {}
    Permit& operator=(Permit&& other) noexcept;
    ~Permit() { release(); }
    void release();

   private:
    ConcurrencyLimiter* owner_ = nullptr;
  };

  explicit ConcurrencyLimiter(std::size_t max_in_flight);

  boost::asio::awaitable<Permit> acquire();
  std::size_t in_flight() const { return in_flight_; }
  std::size_t max_in_flight() const { return max_; }
  // Highest number in flight at once so far (tests, metrics).
  std::size_t peak() const { return peak_; }

 private:
  void release_one();

  std::size_t max_;
  std::size_t in_flight_ = 0;
  std::size_t peak_ = 0;
  std::deque<std::shared_ptr<boost::asio::steady_timer>> waiters_;
};

}  // namespace zohosync::connectors
