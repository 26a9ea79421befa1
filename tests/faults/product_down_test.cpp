// A product that is down entirely (every call 500, every connection reset,
// every call hanging) with on_delete = propagate: `zohosync reconcile` reports
// that product failing and deletes nothing anywhere; once it answers again
// everything converges, still without a delete or a duplicate.
#include <doctest/doctest.h>

#include <boost/json.hpp>
#include <cstdio>

#include "tests/faults/fault_support.hpp"
#include "tests/support/temp_dir.hpp"

namespace zohosync::faults::test {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using sandbox::test::sandbox_process;
using sandbox::test::session;
using support::TempDir;

constexpr Millis kRunLimit = 60s;

bool names_collection(const ReconcileRun& run, const std::string& collection) {
  for (const auto& f : run.report.at("failures").as_array()) {
    if (f.at("collection") == collection.c_str())
      return true;
  }
  return false;
}

std::int64_t total(const ReconcileRun& run, const char* counter) {
  return run.report.at("totals").at(counter).to_number<std::int64_t>();
}

TEST_CASE("faults: a product down entirely never causes deletes elsewhere (reconcile)") {
  sandbox_process proc(limited_sandbox_args(60, 9));
  session sb(proc.port());
  TempDir dir;
  const std::string config = limited_config(
      dir.path(),
      {.sandbox_port = proc.port(), .state_dir = dir.path() / "state", .on_delete = "propagate"});
  ReconcileRun first = reconcile(config, kRunLimit);
  REQUIRE_MESSAGE(first.exit_code == 0, first.err);
  const Census before = census(sb.dump());

  // While CRM is down a new person appears in Projects.
  const std::string newcomer = "down.newcomer@example.com";
  const int created = sb.admin_post("edit", R"({"product":"projects","op":"create",
      "collection":"contacts","parent":"170876000000000001","fields":{"first_name":"Dana","last_name":"Down",
      "email":"down.newcomer@example.com"}})")
                          .status;
  REQUIRE((created == 200 || created == 201));

  const json::object outages[] = {
      {{"kind", "500"}, {"path", "/crm/*"}, {"rate", 1.0}, {"times", 1000000}},
      {{"kind", "reset"}, {"path", "/crm/*"}, {"rate", 1.0}, {"times", 1000000}},
      {{"kind", "hang"}, {"path", "/crm/*"}, {"rate", 1.0}, {"times", 1000000}, {"ms", 3000}},
  };
  for (const json::object& outage : outages) {
    CAPTURE(json::serialize(outage));
    clear_faults(sb);
    add_fault(sb, outage);
    ReconcileRun down = reconcile(config, kRunLimit);
    std::printf("CRM down (%s): exit %d in %.1f s\n", json::serialize(outage).c_str(),
                down.exit_code.value_or(-1), down.seconds);
    REQUIRE_MESSAGE(down.exit_code.has_value(), down.err);
    CHECK(*down.exit_code == 1);
    REQUIRE(!down.report.empty());
    CHECK(names_collection(down, "crm.contacts"));
    CHECK(total(down, "deletes") == 0);
    CHECK(total(down, "unlinks") == 0);
    // Nothing that existed is gone, in any product.
    const Census during = census(sb.dump());
    std::size_t lost = 0;
    for (const std::string& id : before.record_ids)
      lost += during.record_ids.count(id) == 0 ? 1 : 0;
    CHECK(lost == 0);
    // The others still got the newcomer.
    CHECK(during.by_collection.at("inventory.contact_persons").count(newcomer) == 1);
    CHECK(during.by_collection.at("contracts.counterparty_contacts").count(newcomer) == 1);
  }

  clear_faults(sb);
  ReconcileRun back = reconcile(config, kRunLimit);
  REQUIRE_MESSAGE(back.exit_code == 0, back.out.substr(0, 4000) << back.err);
  CHECK(total(back, "deletes") == 0);
  ReconcileRun quiet = reconcile(config, kRunLimit);
  CHECK(quiet.exit_code == 0);
  CHECK(quiet.report.at("planned_writes").to_number<int>() == 0);
  const Census after = census(sb.dump());
  CHECK(after.duplicates().empty());
  for (const std::string& id : before.record_ids)
    CHECK_MESSAGE(after.record_ids.count(id) == 1, id);
  CHECK(after.by_collection.at("crm.contacts").count(newcomer) == 1);
  CHECK(limited_total(sb) == 0);
}

}  // namespace
}  // namespace zohosync::faults::test
