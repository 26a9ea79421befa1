#pragma once
// Each product's request budget, shared by every zohosync process on one
// state dir (the daemon, a reconcile, a dry run): a token bucket per product
// and the end of a throttle the product announced (Retry-After, a lockout),
// kept in one small file beside the state and read and written under an
// exclusive flock for every request. A process started right after another
// finds the budget the other left, not a full one; a lockout stays known
// across restarts until it ends.
//
// Wall-clock times: the processes share the machine's calendar clock, not a
// monotonic one. A clock stepped back never refills the bucket early.

#include <chrono>
#include <filesystem>
#include <optional>

#include "connectors/limits/classify.hpp"
#include "connectors/limits/token_bucket.hpp"

namespace zohosync::connectors {

class RequestLedger {
 public:
  // Opens the ledger file, creating it (mode 0600) when missing; throws
  // std::system_error when it cannot be opened. A file that is not a ledger
  // (other size or magic) is started afresh.
  explicit RequestLedger(const std::filesystem::path& file);
  ~RequestLedger();
  RequestLedger(const RequestLedger&) = delete;
  RequestLedger& operator=(const RequestLedger&) = delete;

  // Takes one request from `product`'s budget at `now`; returns how long the
  // caller must wait before sending: the bucket's debt (callers are spaced
  // out in the order they asked, across processes) or the rest of a throttle.
  std::chrono::milliseconds reserve(Product product, const RateLimit& limit,
                                    std::chrono::system_clock::time_point now);

  // The requests `product`'s budget holds at `now` without anyone waiting
  // (negative while callers wait, 0 under a throttle), taking none.
  double available(Product product, const RateLimit& limit,
                   std::chrono::system_clock::time_point now) const;

  // The product answered that it throttles until `until` (never shortened).
  void block_until(Product product, std::chrono::system_clock::time_point until);

  // The end of a throttle still in force at `now`.
  std::optional<std::chrono::system_clock::time_point> blocked_until(
      Product product, std::chrono::system_clock::time_point now) const;

  const std::filesystem::path& file() const { return file_; }

 private:
  std::filesystem::path file_;
  int fd_ = -1;
};

// Reads the throttles in force from a ledger file without creating it (for
// `zohosync status`); none when the file is missing or unreadable.
std::optional<std::chrono::system_clock::time_point> read_blocked_until(
    const std::filesystem::path& file, Product product, std::chrono::system_clock::time_point now);

}  // namespace zohosync::connectors
