#include "daemon/report_output.hpp"

#include <fmt/ranges.h>

#include <fmt/format.h>

#include <boost/json.hpp>

#include "common/email_address.hpp"

namespace zohosync::daemon {

namespace {

struct Column {
  const char* heading;
  std::size_t CollectionCounts::*field;
};

// The columns a user reads first; the JSON has every counter.
constexpr Column kColumns[] = {
    {"seen", &CollectionCounts::records_seen},  {"create", &CollectionCounts::creates},
    {"update", &CollectionCounts::updates},     {"delete", &CollectionCounts::deletes},
    {"conflict", &CollectionCounts::conflicts}, {"held", &CollectionCounts::held},
    {"skipped", &CollectionCounts::skipped},    {"failed", &CollectionCounts::failed},
};

boost::json::object counts_to_json(const CollectionCounts& c) {
  return {{"seen", c.records_seen},
          {"creates", c.creates},
          {"updates", c.updates},
          {"deletes", c.deletes},
          {"links", c.links},
          {"unlinks", c.unlinks},
          {"conflicts", c.conflicts},
          {"held", c.held},
          {"skipped", c.skipped},
          {"duplicates", c.duplicates},
          {"quarantined", c.quarantined},
          {"refused", c.refused},
          {"confirmed", c.confirmed},
          {"failed", c.failed}};
}

CollectionCounts totals_of(const CycleReport& report) {
  CollectionCounts total;
  for (const auto& [id, c] : report.collections) {
    total.records_seen += c.records_seen;
    total.creates += c.creates;
    total.updates += c.updates;
    total.deletes += c.deletes;
    total.links += c.links;
    total.unlinks += c.unlinks;
    total.conflicts += c.conflicts;
    total.held += c.held;
    total.skipped += c.skipped;
    total.duplicates += c.duplicates;
    total.quarantined += c.quarantined;
    total.refused += c.refused;
    total.confirmed += c.confirmed;
    total.failed += c.failed;
  }
  return total;
}

std::string plural(std::size_t n, std::string_view word) {
  return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s");
}

// A collection's listing failure that is an outage of its product.
bool is_unreachable(const CycleReport& report, const Failure& f) {
  return f.record_id.empty() && report.unreachable_collections.count(f.collection) != 0;
}

}  // namespace

std::map<std::string, Unreachable> unreachable_products(const CycleReport& report) {
  std::map<std::string, Unreachable> out;
  for (const Failure& f : report.failures) {
    if (!is_unreachable(report, f))
      continue;
    Unreachable& product = out[product_of(f.collection)];
    if (product.reason.empty())
      product.reason = f.message;
    product.collections.push_back(f.collection);
  }
  return out;
}

std::size_t problems(const CycleReport& report) {
  // A product that cannot be reached is one problem, however many of its
  // collections it leaves unlisted.
  std::size_t failures = unreachable_products(report).size();
  for (const Failure& f : report.failures)
    failures += is_unreachable(report, f) ? 0 : 1;
  return failures + report.total(&CollectionCounts::held) + report.pending + (report.fatal ? 1 : 0);
}

std::string format_report_table(const CycleReport& report) {
  std::size_t name_width = 10;
  for (const auto& [id, counts] : report.collections)
    name_width = std::max(name_width, id.size());
  std::string out = fmt::format("{:<{}}", "collection", name_width);
  for (const Column& column : kColumns)
    out += fmt::format(" {:>8}", column.heading);
  out += '\n';
  auto row = [&](std::string_view name, const CollectionCounts& counts) {
    out += fmt::format("{:<{}}", name, name_width);
    for (const Column& column : kColumns)
      out += fmt::format(" {:>8}", counts.*(column.field));
    out += '\n';
  };
  for (const auto& [id, counts] : report.collections)
    row(id, counts);
  row("total", totals_of(report));
  const auto unreachable = unreachable_products(report);
  for (const auto& [product, u] : unreachable) {
    out += fmt::format("unreachable: {} ({}; nothing is inferred from it this run): {}\n", product,
                       fmt::join(u.collections, ", "), u.reason);
  }
  for (const std::string& id : report.unknown_collections) {
    if (unreachable.count(product_of(id)) == 0)
      out += fmt::format("not listed: {} (nothing is inferred from it this run)\n", id);
  }
  for (const Failure& f : report.failures) {
    if (is_unreachable(report, f))
      continue;  // said once per product above
    const std::string_view email = common::displayed_email(f.person_email);
    out += fmt::format("failed: {} {}{}: {} ({})\n", f.collection,
                       f.record_id.empty() ? "(new record)" : f.record_id,
                       email.empty() ? "" : fmt::format(" <{}>", email), f.message,
                       connectors::to_string(f.error_class));
  }
  if (report.fatal)
    out += "stopped: the writes ended at a configuration or fatal error (failed: above)\n";
  // Held conflicts count as problems: say where they are and where to settle them.
  for (const auto& [id, counts] : report.collections) {
    if (counts.held > 0)
      out += fmt::format("held: {} in {} for manual resolution (`zohosync conflicts list`)\n",
                         plural(counts.held, "conflict"), id);
  }
  if (report.resumed > 0)
    out += fmt::format("resumed {} from an earlier run\n", plural(report.resumed, "write"));
  if (report.pending > 0)
    out += fmt::format("{} left for the next run\n", plural(report.pending, "write"));
  return out;
}

std::string format_problems_line(const CycleReport& report) {
  const std::size_t n = problems(report);
  if (n == 0)
    return {};
  return fmt::format("{} {} attention (see above)\n", plural(n, "problem"),
                     n == 1 ? "needs" : "need");
}

std::string format_report_summary(const CycleReport& report) {
  CollectionCounts total = totals_of(report);
  return fmt::format("{}, {}, {}, {}, {} held, {} failed, {} pending",
                     plural(total.creates, "create"), plural(total.updates, "update"),
                     plural(total.deletes, "delete"), plural(total.conflicts, "conflict"),
                     total.held, report.failures.size(), report.pending);
}

boost::json::value report_to_json(const CycleReport& report) {
  boost::json::object doc;
  doc["schema"] = kReportSchema;
  doc["dry_run"] = report.dry_run;
  doc["ok"] = problems(report) == 0 && report.unknown_collections.empty();
  boost::json::object collections;
  for (const auto& [id, counts] : report.collections)
    collections[id] = counts_to_json(counts);
  doc["collections"] = std::move(collections);
  doc["totals"] = counts_to_json(totals_of(report));
  boost::json::array failures;
  for (const Failure& f : report.failures) {
    failures.push_back(boost::json::object{{"collection", f.collection},
                                           {"record_id", f.record_id},
                                           {"email", f.person_email},
                                           {"class", connectors::to_string(f.error_class)},
                                           {"message", f.message},
                                           {"unreachable", is_unreachable(report, f)}});
  }
  doc["failures"] = std::move(failures);
  boost::json::object unreachable;
  for (const auto& [product, u] : unreachable_products(report)) {
    boost::json::array collections;
    for (const std::string& c : u.collections)
      collections.push_back(boost::json::string(c));
    unreachable[product] =
        boost::json::object{{"reason", u.reason}, {"collections", std::move(collections)}};
  }
  doc["unreachable"] = std::move(unreachable);
  boost::json::array unknown;
  for (const std::string& id : report.unknown_collections)
    unknown.push_back(boost::json::string(id));
  doc["unknown_collections"] = std::move(unknown);
  boost::json::array actions;
  for (const mapping::Action& a : report.actions) {
    boost::json::array changes;
    for (const mapping::FieldChange& c : a.changes) {
      changes.push_back(boost::json::object{
          {"field", mapping::field_name(c.field)}, {"before", c.before}, {"after", c.after}});
    }
    boost::json::object payload;
    for (const auto& [name, value] : a.payload)
      payload[name] = value;
    actions.push_back(boost::json::object{{"kind", mapping::to_string(a.kind)},
                                          {"collection", a.collection},
                                          {"record_id", a.record_id},
                                          {"parent_id", a.parent_id},
                                          {"person", a.person},
                                          {"email", a.person_email},
                                          {"origin_collection", a.origin_collection},
                                          {"origin_record", a.origin_record},
                                          {"changes", std::move(changes)},
                                          {"payload", std::move(payload)},
                                          {"reason", a.reason},
                                          {"held", a.held}});
  }
  doc["actions"] = std::move(actions);
  doc["resumed"] = report.resumed;
  doc["pending"] = report.pending;
  doc["planned_writes"] = report.planned_writes;
  doc["failed"] = report.failures.size();
  doc["held"] = report.total(&CollectionCounts::held);
  doc["fatal"] = report.fatal;
  return doc;
}

}  // namespace zohosync::daemon
