#pragma once
// How a cycle's report is shown: a table for people, a JSON document for
// scripts. `zohosync reconcile` prints both kinds; the daemon logs the summary.

#include <boost/json/value.hpp>
#include <map>
#include <string>
#include <vector>

#include "daemon/engine/report.hpp"

namespace zohosync::daemon {

// Per collection: seen, create, update, delete, conflict, held, skipped, failed;
// a total row; then a line for each unreachable product, unknown collection,
// failure and collection with held conflicts, and the writes resumed and left
// pending: everything problems() counts is named.
std::string format_report_table(const CycleReport& report);

// "3 problems need attention (see above)\n" after the table; "" when none.
std::string format_problems_line(const CycleReport& report);

// One line: "12 creates, 3 updates, 0 deletes, 1 conflict held, 0 failed".
std::string format_report_summary(const CycleReport& report);

// The version of report_to_json's layout, its "schema" key: it changes only
// when a key is removed or changes meaning; keys are added under the same one.
inline constexpr int kReportSchema = 1;

// {"schema", "dry_run", "ok", "collections": {id: counts}, "totals", "failures": [...],
//  "unknown_collections", "unreachable": {product: {"reason", "collections"}},
//  "actions": [...], "resumed", "pending", "planned_writes", "failed", "held"}
boost::json::value report_to_json(const CycleReport& report);

// How many things need a person's attention: failed writes, held conflicts,
// writes left pending, collections that could not be listed (a product that
// could not be reached counts once).
std::size_t problems(const CycleReport& report);

// Products that could not be reached at all this cycle ("crm", ...): the
// first reason met and the collections left unlisted.
struct Unreachable {
  std::string reason;
  std::vector<std::string> collections;
};
std::map<std::string, Unreachable> unreachable_products(const CycleReport& report);

}  // namespace zohosync::daemon
