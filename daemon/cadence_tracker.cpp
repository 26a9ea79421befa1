#include "daemon/cadence_tracker.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>

#include "daemon/metrics.hpp"

namespace zohosync::daemon {

namespace {

// The weight of the newest gap in the mean interval: a few polls follow a
// change of pace, one slow poll does not swing it.
constexpr double kNewGapWeight = 0.3;
// Polls before an effective interval is judged against the configured one.
constexpr std::size_t kListingsBeforeJudging = 5;
// Longer than this many configured intervals: the interval is not served.
constexpr double kNotServedFactor = 2.0;
constexpr std::int64_t kMinute = 60'000;

}  // namespace

std::string rounded_duration(std::int64_t ms) {
  const std::int64_t s = (std::max<std::int64_t>(ms, 0) + 500) / 1000;
  char buf[32];
  if (s < 60)
    std::snprintf(buf, sizeof buf, "%llds", static_cast<long long>(s));
  else if (s < 3600)
    std::snprintf(buf, sizeof buf, "%lldm%02llds", static_cast<long long>(s / 60),
                  static_cast<long long>(s % 60));
  else
    std::snprintf(buf, sizeof buf, "%lldh%02lldm", static_cast<long long>(s / 3600),
                  static_cast<long long>((s % 3600 + 30) / 60));
  return buf;
}

void CadenceTracker::configure(
    const std::map<std::string, std::chrono::milliseconds>& poll_intervals) {
  intervals_ = poll_intervals;
  for (const auto& [collection, interval] : intervals_) {
    cadences_[collection].poll_interval_ms = interval.count();
    tracks_[collection].slow_reported = false;  // judged again against the new interval
  }
}

void CadenceTracker::log_start(const std::map<std::string, state::Cadence>& remembered) const {
  for (const auto& [collection, interval] : intervals_) {
    std::string line = collection + ": polled every " + rounded_duration(interval.count());
    auto it = remembered.find(collection);
    if (it != remembered.end()) {
      const state::Cadence& last = it->second;
      if (last.effective_interval_ms > 0)
        line += "; the last run read it every " + rounded_duration(last.effective_interval_ms) +
                " on average";
      if (last.last_pass_ms > 0)
        line += "; a whole pass over its parents took " + rounded_duration(last.last_pass_ms);
    }
    spdlog::info("{}", line);
  }
}

void CadenceTracker::listed(const std::string& collection, std::int64_t now_ms) {
  state::Cadence& cadence = cadences_[collection];
  Track& track = tracks_[collection];
  // The first gap is left out: it spans the daemon's start, when the first
  // cycle lists every collection at once and the polls queue behind it.
  if (track.listings >= 2 && now_ms > track.last_listed_ms) {
    const auto gap = static_cast<double>(now_ms - track.last_listed_ms);
    cadence.effective_interval_ms =
        cadence.effective_interval_ms == 0
            ? static_cast<std::int64_t>(gap)
            : static_cast<std::int64_t>(kNewGapWeight * gap +
                                        (1 - kNewGapWeight) *
                                            static_cast<double>(cadence.effective_interval_ms));
  }
  track.last_listed_ms = now_ms;
  ++track.listings;
  cadence.updated_ms = now_ms;

  const connectors::Connector* conn = connectors::find_connector(connectors_, collection);
  std::optional<connectors::ListingProgress> progress;
  if (conn != nullptr)
    progress = conn->listing_progress();
  if (progress && progress->parents_total > 0) {
    follow_pass(collection, *progress, now_ms, cadence, track);
    return;
  }
  // A listing read whole each poll: judged by the time between polls.
  const std::int64_t interval = cadence.poll_interval_ms;
  if (!track.slow_reported && interval > 0 && track.listings > kListingsBeforeJudging &&
      static_cast<double>(cadence.effective_interval_ms) >
          kNotServedFactor * static_cast<double>(interval)) {
    track.slow_reported = true;
    spdlog::warn(
        "{}: read every {} on average, not every {} as configured: its cycles take longer than "
        "the interval, or wait for the product's request budget",
        collection, rounded_duration(cadence.effective_interval_ms), rounded_duration(interval));
  }
}

void CadenceTracker::follow_pass(const std::string& collection,
                                 const connectors::ListingProgress& progress, std::int64_t now_ms,
                                 state::Cadence& cadence, Track& track) {
  Pass& pass = track.pass;
  if (!pass.seen || progress.passes_completed != pass.passes_completed) {
    if (pass.seen && pass.started_ms > 0)
      cadence.last_pass_ms = now_ms - pass.started_ms;  // a pass seen from its start ended
    // The first pass seen may have begun in an earlier run (the cursor
    // says where it stopped): its length is not known.
    pass.started_ms = pass.seen ? now_ms : 0;
    pass.observed_ms = now_ms;
    pass.read_when_observed = pass.seen ? 0 : progress.parents_read;
    pass.passes_completed = progress.passes_completed;
    pass.seen = true;
  }
  cadence.parents_read = progress.parents_read;
  cadence.parents_total = progress.parents_total;
  const std::size_t left =
      progress.parents_total - std::min(progress.parents_read, progress.parents_total);
  const std::size_t read_since =
      progress.parents_read - std::min(progress.parents_read, pass.read_when_observed);
  const std::int64_t elapsed = now_ms - pass.observed_ms;
  cadence.pass_remaining_ms = -1;
  if (left == 0) {
    cadence.pass_remaining_ms = 0;
  } else if (read_since > 0 && elapsed > 0) {
    // The pace of this pass so far.
    cadence.pass_remaining_ms = static_cast<std::int64_t>(
        static_cast<double>(elapsed) / static_cast<double>(read_since) * static_cast<double>(left));
  } else if (cadence.last_pass_ms > 0) {
    cadence.pass_remaining_ms = static_cast<std::int64_t>(
        static_cast<double>(cadence.last_pass_ms) * static_cast<double>(left) /
        static_cast<double>(progress.parents_total));
  }

  // The length of a whole pass: the last one, or this one's estimate.
  std::int64_t whole = cadence.last_pass_ms;
  if (whole == 0 && cadence.pass_remaining_ms > 0 && read_since > 0)
    whole =
        static_cast<std::int64_t>(static_cast<double>(elapsed) / static_cast<double>(read_since) *
                                  static_cast<double>(progress.parents_total));
  if (progress.pass_due_every_ms > 0) {
    // A sweep due every so often (Inventory's full scan), not every poll.
    if (!track.slow_reported && whole > progress.pass_due_every_ms) {
      track.slow_reported = true;
      spdlog::warn(
          "{}: a full scan spread over polls takes about {} within its request budget, longer "
          "than it is due ({}): person edits that leave their {} as it was arrive that late",
          collection, rounded_duration(whole), rounded_duration(progress.pass_due_every_ms),
          progress.parent_noun);
    }
  }
  const std::int64_t interval = cadence.poll_interval_ms;
  if (progress.pass_due_every_ms == 0 && !track.slow_reported && interval > 0 && whole > 0 &&
      static_cast<double>(whole) > kNotServedFactor * static_cast<double>(interval)) {
    track.slow_reported = true;
    spdlog::warn(
        "{}: a whole pass over its {} {} takes about {} within its request budget, longer "
        "than its poll interval ({}): each poll reads a slice of them; a change there arrives "
        "within a pass, and a delete is seen once its {} is read",
        collection, progress.parents_total, progress.parents_noun, rounded_duration(whole),
        rounded_duration(interval), progress.parent_noun);
  }
  // Once a minute while a pass has more than a minute to go.
  if (left > 0 && cadence.pass_remaining_ms > kMinute &&
      (!track.progress_logged_ms || now_ms - *track.progress_logged_ms >= kMinute)) {
    track.progress_logged_ms = now_ms;
    spdlog::info("{}: pass over its {}: {} of {} read, about {} to go within its request budget",
                 collection, progress.parents_noun, progress.parents_read, progress.parents_total,
                 rounded_duration(cadence.pass_remaining_ms));
  }
}

void CadenceTracker::describe_metrics(metrics::Registry& r) {
  using metrics::Type;
  r.describe("zohosync_poll_interval_seconds", Type::gauge,
             "Configured poll interval of each collection");
  r.describe("zohosync_effective_poll_interval_seconds", Type::gauge,
             "Measured mean time between listings of each collection that answered");
  r.describe("zohosync_listing_pass_seconds", Type::gauge,
             "How long the last whole pass of a listing spread over polls took (Projects)");
  r.describe("zohosync_listing_pass_progress_ratio", Type::gauge,
             "Share of the parents the pass under way has read (Projects clients)");
  r.describe("zohosync_listing_pass_remaining_seconds", Type::gauge,
             "Estimated time the pass under way has left, within the request budget");
}

void CadenceTracker::export_metrics(metrics::Registry& r) const {
  for (const auto& [collection, c] : cadences_) {
    const metrics::Labels labels{{"collection", collection}};
    r.set("zohosync_poll_interval_seconds", labels,
          static_cast<double>(c.poll_interval_ms) / 1000.0);
    if (c.effective_interval_ms > 0)
      r.set("zohosync_effective_poll_interval_seconds", labels,
            static_cast<double>(c.effective_interval_ms) / 1000.0);
    if (c.parents_total == 0)
      continue;
    if (c.last_pass_ms > 0)
      r.set("zohosync_listing_pass_seconds", labels, static_cast<double>(c.last_pass_ms) / 1000.0);
    r.set("zohosync_listing_pass_progress_ratio", labels,
          static_cast<double>(c.parents_read) / static_cast<double>(c.parents_total));
    if (c.pass_remaining_ms >= 0)
      r.set("zohosync_listing_pass_remaining_seconds", labels,
            static_cast<double>(c.pass_remaining_ms) / 1000.0);
  }
}

}  // namespace zohosync::daemon
