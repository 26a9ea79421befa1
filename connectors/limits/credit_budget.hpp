#pragma once
// CRM's daily API credits (a rolling 24-hour window per org): we stop writing
// once a configured share is spent so that reads, other integrations and the
// users' own tools keep working, and say so once.

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>

namespace spdlog {
class logger;
}

namespace zohosync::connectors {

class Clock;

struct CreditBudgetOptions {
  std::int64_t daily_credits = 50'000;  // the org's allowance (edition + users + add-ons)
  double write_stop_share = 0.8;        // writes pause at this share of the day's credits
};

class CreditBudget {
 public:
  CreditBudget(CreditBudgetOptions options, const Clock& clock,
               std::shared_ptr<spdlog::logger> logger = nullptr);

  // Books credits spent by one call (reads too: they share the allowance).
  void spend(std::int64_t credits);
  // CRM's X-API-CREDITS-REMAINING header (sent from 50% use on): the server's
  // count wins when it is higher than ours (other clients spend too).
  void observe_remaining(std::int64_t remaining);

  std::int64_t used() const;
  std::int64_t write_limit() const;
  bool writes_allowed(std::int64_t credits = 1) const;
  // Throws ConnectorError (transient) when a write of `credits` would pass the limit.
  void check_write(std::int64_t credits = 1);

 private:
  void prune() const;

  CreditBudgetOptions options_;
  const Clock& clock_;
  std::shared_ptr<spdlog::logger> logger_;
  mutable std::deque<std::pair<std::chrono::steady_clock::time_point, std::int64_t>> spent_;
  mutable std::int64_t local_total_ = 0;
  std::int64_t spent_ever_ = 0;  // never pruned: what we spent since a server report
  struct ServerReport {
    std::chrono::steady_clock::time_point when;
    std::int64_t used;
    std::int64_t spent_ever;
  };
  std::optional<ServerReport> server_used_;
  bool announced_ = false;
};

}  // namespace zohosync::connectors
