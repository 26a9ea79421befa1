#include "daemon/cycle_metrics.hpp"

#include <utility>

#include "daemon/engine/collection_outcome.hpp"
#include "daemon/scheduler.hpp"

namespace zohosync::daemon {

using metrics::Type;

namespace {

constexpr const char* kResults[] = {"ok", "failed", "timeout", "error"};

const std::pair<const char*, std::size_t CollectionCounts::*> kKinds[] = {
    {"create", &CollectionCounts::creates},
    {"update", &CollectionCounts::updates},
    {"delete", &CollectionCounts::deletes},
    {"link", &CollectionCounts::links},
    {"unlink", &CollectionCounts::unlinks},
    {"conflict", &CollectionCounts::conflicts},
    {"held", &CollectionCounts::held},
    {"skip", &CollectionCounts::skipped},
    {"duplicate", &CollectionCounts::duplicates},
    {"refuse", &CollectionCounts::refused},
};

// From a few seconds for a quiet poll to half an hour for a first sync.
const std::vector<double> kCycleBounds = {0.1, 0.25, 0.5, 1,   2.5, 5,   10,
                                          30,  60,   120, 300, 900, 1800};

// The result word of one collection in a cycle.
std::string result_of(const CycleOutcome& outcome, const std::string& collection) {
  if (outcome.timed_out)
    return "timeout";
  if (!outcome.error.empty())
    return "error";
  return collection_failure(outcome.report, collection).empty() ? "ok" : "failed";
}

}  // namespace

void describe_cycle_metrics(metrics::Registry& r, const std::vector<std::string>& collections) {
  r.describe("zohosync_cycles_total", Type::counter,
             "Sync cycles run, by the collection polled and result (ok, failed, timeout, error)");
  r.describe_histogram("zohosync_cycle_duration_seconds",
                       "Duration of the cycles that read each collection", kCycleBounds);
  r.describe("zohosync_records_seen_total", Type::counter, "Records listed from each collection");
  r.describe("zohosync_actions_total", Type::counter,
             "Planned actions by target collection and kind");
  r.describe("zohosync_writes_total", Type::counter,
             "Writes sent by target collection and result (confirmed, failed)");
  r.describe("zohosync_quarantined_total", Type::counter,
             "People quarantined for flipping too often, by collection");
  r.describe("zohosync_outbox_resumed_total", Type::counter,
             "Writes resumed from an earlier cycle's outbox");
  r.describe("zohosync_journal_pruned_total", Type::counter,
             "Journal entries removed by retention");
  r.describe("zohosync_last_success_timestamp_seconds", Type::gauge,
             "Unix time of the last successful cycle of each collection");
  for (const std::string& c : collections) {
    for (const char* result : kResults)
      r.add("zohosync_cycles_total", {{"collection", c}, {"result", result}}, 0);
    r.add("zohosync_records_seen_total", {{"collection", c}}, 0);
    for (const auto& [kind, field] : kKinds)
      r.add("zohosync_actions_total", {{"collection", c}, {"kind", kind}}, 0);
    r.add("zohosync_writes_total", {{"collection", c}, {"result", "confirmed"}}, 0);
    r.add("zohosync_writes_total", {{"collection", c}, {"result", "failed"}}, 0);
    r.add("zohosync_quarantined_total", {{"collection", c}}, 0);
  }
  r.add("zohosync_outbox_resumed_total", {}, 0);
  r.add("zohosync_journal_pruned_total", {}, 0);
}

void record_cycle(metrics::Registry& r, const CycleOutcome& outcome, std::int64_t now_ms) {
  // A cycle over every collection (the first after a start) counts for each
  // of them, never under a collection="*" of its own.
  std::vector<std::string> read;
  if (outcome.collection == kEveryCollection) {
    for (const auto& [collection, counts] : outcome.report.collections)
      read.push_back(collection);
    for (const auto& collection : outcome.report.unknown_collections)
      if (outcome.report.collections.count(collection) == 0)
        read.push_back(collection);
  } else {
    read.push_back(outcome.collection);
  }
  const double seconds = static_cast<double>(outcome.duration.count()) / 1000.0;
  for (const std::string& collection : read) {
    const std::string result = result_of(outcome, collection);
    r.add("zohosync_cycles_total", {{"collection", collection}, {"result", result}});
    r.observe("zohosync_cycle_duration_seconds", {{"collection", collection}}, seconds);
    if (result == "ok")
      r.set("zohosync_last_success_timestamp_seconds", {{"collection", collection}},
            static_cast<double>(now_ms / 1000));
  }
  for (const auto& [collection, counts] : outcome.report.collections) {
    if (counts.records_seen > 0)
      r.add("zohosync_records_seen_total", {{"collection", collection}},
            static_cast<double>(counts.records_seen));
    for (const auto& [kind, field] : kKinds) {
      if (counts.*field > 0)
        r.add("zohosync_actions_total", {{"collection", collection}, {"kind", kind}},
              static_cast<double>(counts.*field));
    }
    if (counts.confirmed > 0)
      r.add("zohosync_writes_total", {{"collection", collection}, {"result", "confirmed"}},
            static_cast<double>(counts.confirmed));
    if (counts.failed > 0)
      r.add("zohosync_writes_total", {{"collection", collection}, {"result", "failed"}},
            static_cast<double>(counts.failed));
    if (counts.quarantined > 0)
      r.add("zohosync_quarantined_total", {{"collection", collection}},
            static_cast<double>(counts.quarantined));
  }
  if (outcome.report.resumed > 0)
    r.add("zohosync_outbox_resumed_total", {}, static_cast<double>(outcome.report.resumed));
  if (outcome.pruned > 0)
    r.add("zohosync_journal_pruned_total", {}, static_cast<double>(outcome.pruned));
}

}  // namespace zohosync::daemon
