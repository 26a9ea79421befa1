#include "connectors/limits/credit_budget.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>

#include "connectors/errors.hpp"
#include "connectors/limits/clock.hpp"

namespace zohosync::connectors {
namespace {
constexpr auto kWindow = std::chrono::hours(24);
}

CreditBudget::CreditBudget(CreditBudgetOptions options, const Clock& clock,
                           std::shared_ptr<spdlog::logger> logger)
    : options_(options), clock_(clock), logger_(std::move(logger)) {
  options_.write_stop_share = std::clamp(options_.write_stop_share, 0.0, 1.0);
}

void CreditBudget::prune() const {
  const auto horizon = clock_.now() - kWindow;
  while (!spent_.empty() && spent_.front().first <= horizon) {
    local_total_ -= spent_.front().second;
    spent_.pop_front();
  }
}

void CreditBudget::spend(std::int64_t credits) {
  if (credits <= 0)
    return;
  spent_.emplace_back(clock_.now(), credits);
  local_total_ += credits;
  spent_ever_ += credits;
}

void CreditBudget::observe_remaining(std::int64_t remaining) {
  server_used_ = ServerReport{
      clock_.now(), std::max<std::int64_t>(0, options_.daily_credits - remaining), spent_ever_};
}

std::int64_t CreditBudget::used() const {
  prune();
  std::int64_t used = local_total_;
  // The server's figure, plus what we spent since it was reported; stale after a day.
  if (server_used_ && clock_.now() - server_used_->when < kWindow)
    used = std::max(used, server_used_->used + (spent_ever_ - server_used_->spent_ever));
  return used;
}

std::int64_t CreditBudget::write_limit() const {
  return static_cast<std::int64_t>(
      std::floor(static_cast<double>(options_.daily_credits) * options_.write_stop_share));
}

bool CreditBudget::writes_allowed(std::int64_t credits) const {
  return used() + credits <= write_limit();
}

void CreditBudget::check_write(std::int64_t credits) {
  if (writes_allowed(credits)) {
    announced_ = false;
    return;
  }
  const std::string message =
      "CRM daily credit budget reached: " + std::to_string(used()) + " of " +
      std::to_string(options_.daily_credits) + " credits used in the last 24 h; writes pause at " +
      std::to_string(static_cast<int>(std::lround(options_.write_stop_share * 100))) + "% (" +
      std::to_string(write_limit()) + ") until older calls leave the window";
  if (!announced_) {
    (logger_ ? *logger_ : *spdlog::default_logger()).warn("[crm] {}", message);
    announced_ = true;
  }
  throw ConnectorError(ErrorClass::transient, message, "CREDIT_BUDGET");
}

}  // namespace zohosync::connectors
