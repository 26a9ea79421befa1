// What `zohosync reconcile` prints after a cycle: every problem the closing
// line counts is named in the table above it, and --json says its schema.
#include <doctest/doctest.h>

#include <boost/json.hpp>
#include <string>

#include "daemon/report_output.hpp"

using zohosync::daemon::CycleReport;
using zohosync::daemon::Failure;

namespace {

std::size_t count_of(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
    ++n;
  return n;
}

}  // namespace

TEST_CASE("reconcile: one problem needs attention, several need it, none says nothing") {
  CycleReport report;
  report.collections["crm.contacts"].records_seen = 3;
  CHECK(format_problems_line(report) == "");

  report.pending = 1;
  CHECK(format_problems_line(report) == "1 problem needs attention (see above)\n");
  report.pending = 2;
  CHECK(format_problems_line(report) == "2 problems need attention (see above)\n");
}

TEST_CASE("reconcile: held conflicts are named in the table, with where to settle them") {
  CycleReport report;
  report.collections["crm.contacts"].held = 1;
  report.collections["projects.contacts"].held = 2;
  report.collections["inventory.users"].records_seen = 4;
  const std::string table = format_report_table(report);
  CAPTURE(table);
  CHECK(table.find("held: 1 conflict in crm.contacts for manual resolution (`zohosync conflicts "
                   "list`)\n") != std::string::npos);
  CHECK(table.find("held: 2 conflicts in projects.contacts for manual resolution") !=
        std::string::npos);
  CHECK(count_of(table, "held: ") == 2);
  CHECK(format_problems_line(report) == "3 problems need attention (see above)\n");
}

TEST_CASE("reconcile: a failure names its person without the blanks stored around the email") {
  CycleReport report;
  report.failures.push_back({"crm.contacts", "k1", "  ann@example.com\t",
                             zohosync::connectors::ErrorClass::per_record, "refused"});
  report.fatal = true;
  const std::string table = format_report_table(report);
  CAPTURE(table);
  CHECK(table.find("failed: crm.contacts k1 <ann@example.com>: refused (") != std::string::npos);
  // The stop a fatal error causes is a problem of its own, and named too.
  CHECK(table.find("stopped: ") != std::string::npos);
  CHECK(format_problems_line(report) == "2 problems need attention (see above)\n");
}

TEST_CASE("reconcile --json: the document carries \"schema\": 1 beside its other keys") {
  CycleReport report;
  report.collections["crm.contacts"].records_seen = 1;
  const auto doc = report_to_json(report).as_object();
  CHECK(doc.at("schema") == 1);
  for (const char* key :
       {"dry_run", "ok", "collections", "totals", "failures", "unreachable", "unknown_collections",
        "actions", "resumed", "pending", "planned_writes", "failed", "held", "fatal"}) {
    CAPTURE(key);
    CHECK(doc.contains(key));
  }
}
