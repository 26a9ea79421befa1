#include "tests/sandbox/limits.hpp"

namespace zohosync::sandbox {

namespace {

void expire(std::deque<std::int64_t>& q, std::int64_t cutoff) {
  while (!q.empty() && q.front() <= cutoff)
    q.pop_front();
}

}  // namespace

const char* limit_name(limit_verdict v) {
  switch (v) {
    case limit_verdict::ok:
      return "ok";
    case limit_verdict::crm_concurrency:
      return "crm_concurrency";
    case limit_verdict::crm_credits:
      return "crm_credits";
    case limit_verdict::inventory_minute:
      return "inventory_minute";
    case limit_verdict::inventory_daily:
      return "inventory_daily";
    case limit_verdict::inventory_concurrency:
      return "inventory_concurrency";
    case limit_verdict::projects_locked:
      return "projects_locked";
  }
  return "ok";
}

long rate_limiter::crm_credits_used(std::int64_t now) {
  while (!crm_credits_.empty() && crm_credits_.front().first <= now - 86400) {
    crm_credit_sum_ -= crm_credits_.front().second;
    crm_credits_.pop_front();
  }
  return crm_credit_sum_;
}

limit_verdict rate_limiter::admit(product p, const limit_options& lim, std::int64_t now,
                                  int credits) {
  int& flying = in_flight_[static_cast<int>(p)];
  switch (p) {
    case product::crm:
      if (lim.crm_concurrency > 0 && flying >= lim.crm_concurrency) {
        return limit_verdict::crm_concurrency;
      }
      if (lim.crm_daily_credits > 0 && crm_credits_used(now) + credits > lim.crm_daily_credits) {
        return limit_verdict::crm_credits;
      }
      crm_credits_.emplace_back(now, credits);
      crm_credit_sum_ += credits;
      break;
    case product::inventory:
      expire(inventory_minute_, now - 60);
      expire(inventory_day_, now - 86400);
      if (lim.inventory_concurrency > 0 && flying >= lim.inventory_concurrency) {
        return limit_verdict::inventory_concurrency;
      }
      if (lim.inventory_daily > 0 &&
          static_cast<int>(inventory_day_.size()) >= lim.inventory_daily) {
        return limit_verdict::inventory_daily;
      }
      if (lim.inventory_per_minute > 0 &&
          static_cast<int>(inventory_minute_.size()) >= lim.inventory_per_minute) {
        return limit_verdict::inventory_minute;
      }
      inventory_minute_.push_back(now);
      inventory_day_.push_back(now);
      break;
    case product::projects:
      if (now < projects_locked_until_)
        return limit_verdict::projects_locked;
      expire(projects_window_, now - lim.projects_window_s);
      if (lim.projects_per_window > 0 &&
          static_cast<int>(projects_window_.size()) >= lim.projects_per_window) {
        // Going over the window's allowance locks the API out for a while.
        projects_locked_until_ = now + lim.projects_lockout_s;
        projects_window_.clear();
        return limit_verdict::projects_locked;
      }
      projects_window_.push_back(now);
      break;
    case product::contracts:
      break;  // no documented limit (UNCONFIRMED)
  }
  ++flying;
  return limit_verdict::ok;
}

void rate_limiter::done(product p) {
  int& flying = in_flight_[static_cast<int>(p)];
  if (flying > 0)
    --flying;
}

void rate_limiter::reset() {
  for (int& f : in_flight_)
    f = 0;
  crm_credits_.clear();
  crm_credit_sum_ = 0;
  inventory_minute_.clear();
  inventory_day_.clear();
  projects_window_.clear();
  projects_locked_until_ = 0;
}

}  // namespace zohosync::sandbox
