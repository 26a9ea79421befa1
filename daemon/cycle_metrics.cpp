#include "daemon/cycle_metrics.hpp"

#include <utility>

#include "daemon/scheduler.hpp"

namespace zohosync::daemon {

using metrics::Type;

void describe_cycle_metrics(metrics::Registry& r) {
  r.describe("zohosync_cycles_total", Type::counter,
             "Sync cycles run, by the collection polled and result (ok, failed, timeout, error)");
  r.describe("zohosync_cycle_duration_seconds", Type::gauge,
             "Duration of the last cycle of each collection");
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
}

void record_cycle(metrics::Registry& r, const CycleOutcome& outcome, std::int64_t now_ms) {
  const std::string result = outcome.ok               ? "ok"
                             : outcome.timed_out      ? "timeout"
                             : !outcome.error.empty() ? "error"
                                                      : "failed";
  r.add("zohosync_cycles_total", {{"collection", outcome.collection}, {"result", result}});
  r.set("zohosync_cycle_duration_seconds", {{"collection", outcome.collection}},
        static_cast<double>(outcome.duration.count()) / 1000.0);
  if (outcome.ok) {
    r.set("zohosync_last_success_timestamp_seconds", {{"collection", outcome.collection}},
          static_cast<double>(now_ms / 1000));
  }
  const std::pair<const char*, std::size_t CollectionCounts::*> kinds[] = {
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
  for (const auto& [collection, counts] : outcome.report.collections) {
    if (counts.records_seen > 0)
      r.add("zohosync_records_seen_total", {{"collection", collection}},
            static_cast<double>(counts.records_seen));
    for (const auto& [kind, field] : kinds) {
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
