// `zohosync reconcile` as a process against zoho-sandbox with its rate limits
// on and 10% of all calls failing (500, 429, reset, hang, truncated body,
// malformed JSON), access tokens expiring early between runs and the token
// endpoint throttling: every run ends (exit 0 or 1, within a bound), the
// runs converge, nobody is duplicated or lost, the sandbox's own rate limits
// never refused a call, and what failed is named in the --json report and
// left in the outbox for the next run (which resumes it) rather than lost.
#include <doctest/doctest.h>

#include <boost/json.hpp>
#include <cstdio>

#include "tests/faults/fault_support.hpp"
#include "tests/support/temp_dir.hpp"

namespace zohosync::faults::test {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using sandbox::test::http_client;
using sandbox::test::sandbox_process;
using sandbox::test::session;
using support::TempDir;

constexpr int kPeople = 120;
constexpr int kMaxFaultyRuns = 8;
constexpr Millis kRunLimit = 60s;  // a run past this is a hang

void edit(session& sb, const json::object& body) {
  const int status = sb.admin_post("edit", json::serialize(body)).status;
  REQUIRE_MESSAGE((status == 200 || status == 201), json::serialize(body));
}

std::string text(const json::value& v, const char* key) {
  const auto* found = v.as_object().if_contains(key);
  return found && found->is_string() ? std::string(found->as_string()) : "";
}

// A person edited in the product's UI: `per_product` last names changed in
// each product, `per_product` new people created in each.
std::set<std::string> make_pending_edits(session& sb, int per_product) {
  std::set<std::string> created;
  const json::object dump = sb.dump();
  struct Update {
    const char* product;
    const char* collection;
    const char* list;
    const char* id;
    const char* field;
  };
  const Update updates[] = {
      {"crm", "contacts", "contacts", "id", "Last_Name"},
      {"projects", "contacts", "contacts", "id", "last_name"},
      {"inventory", "contact_persons", "contact_persons", "contact_person_id", "last_name"},
  };
  for (const Update& u : updates) {
    const auto& rows = dump.at(u.product).at(u.list).as_array();
    for (int i = 0; i < per_product && static_cast<std::size_t>(i) < rows.size(); ++i) {
      edit(sb, {{"product", u.product},
                {"collection", u.collection},
                {"op", "update"},
                {"id", text(rows[static_cast<std::size_t>(i) * 7 % rows.size()], u.id)},
                {"fields", json::object{{u.field, "Renamed" + std::to_string(i)}}}});
    }
  }
  for (int i = 0; i < per_product; ++i) {
    const std::string n = std::to_string(i);
    const std::string crm = "fault.crm" + n + "@example.com";
    edit(sb, {{"product", "crm"},
              {"collection", "contacts"},
              {"op", "create"},
              {"fields", json::object{{"Email", crm}, {"First_Name", "Cora"}, {"Last_Name", n}}}});
    const std::string projects = "fault.projects" + n + "@example.com";
    edit(sb,
         {{"product", "projects"},
          {"collection", "contacts"},
          {"op", "create"},
          {"parent", "170876000000000001"},
          {"fields",
           json::object{{"email", projects}, {"first_name", "Pia"}, {"last_name", "Number" + n}}}});
    const std::string contracts = "fault.contracts" + n + "@example.com";
    edit(sb,
         {{"product", "contracts"},
          {"collection", "counterpartyusers"},
          {"op", "create"},
          {"parent", "NewPeople"},
          {"fields", json::object{{"emailId", contracts}, {"displayName", "Cato Number" + n}}}});
    created.insert({crm, projects, contracts});
  }
  return created;
}

void print_run(int n, const ReconcileRun& run) {
  const json::object& r = run.report;
  auto count = [&](const char* key) {
    auto* v = r.if_contains(key);
    return v && v->is_number() ? v->to_number<std::int64_t>() : -1;
  };
  std::printf("run %d: exit %d in %.1f s, planned %lld, failed %lld, pending %lld, resumed %lld\n",
              n, run.exit_code.value_or(-1), run.seconds,
              static_cast<long long>(count("planned_writes")),
              static_cast<long long>(count("failed")), static_cast<long long>(count("pending")),
              static_cast<long long>(count("resumed")));
}

TEST_CASE("faults: reconcile under 10% faults converges without duplicates or losses") {
  sandbox_process proc(limited_sandbox_args(kPeople, 5));
  session sb(proc.port());
  TempDir dir;
  const std::string config =
      limited_config(dir.path(), {.sandbox_port = proc.port(), .state_dir = dir.path() / "state"});

  std::set<std::string> created = make_pending_edits(sb, 5);
  const Census before = census(sb.dump());
  std::set<std::string> people = before.everyone;
  // Inventory users are not a create target: only the people elsewhere must spread.
  for (const auto& [email, n] : before.by_collection.at("inventory.users")) {
    bool elsewhere = false;
    for (const std::string& c : create_collections())
      elsewhere = elsewhere || before.by_collection.at(c).count(email) != 0;
    if (!elsewhere)
      people.erase(email);
  }
  REQUIRE(before.duplicates().empty());

  add_random_faults(sb, 0.10, 1500);  // hangs outlast the 1 s request timeout
  const auto calls_before = calls_by_product(sb);
  int runs = 0;
  bool clean = false;
  bool token_throttled = false;
  std::int64_t resumed = 0;
  for (; runs < kMaxFaultyRuns && !clean; ++runs) {
    if (runs == 1) {
      // Use up the token endpoint's window (10 per 10 minutes): this run's
      // refresh is throttled. The injected faults hit these requests too (a
      // faulted one does not count in the window), so ask until the endpoint
      // itself answers that it throttles.
      http_client accounts(proc.port());
      bool window_full = false;
      for (int i = 0; i < 40 && !window_full; ++i) {
        try {
          auto reply = accounts.request(
              "POST",
              "/oauth/v2/token?grant_type=refresh_token&client_id=1000.SANDBOXCLIENT&"
              "client_secret=sandbox-secret&refresh_token=sandbox-refresh-token");
          window_full = reply.body.find("too many requests") != std::string::npos;
        } catch (const std::exception&) {
          accounts.close();  // a reset or truncated answer: the next request reconnects
        }
      }
      REQUIRE(window_full);
    }
    ReconcileRun run = reconcile(config, kRunLimit);
    print_run(runs + 1, run);
    REQUIRE_MESSAGE(run.exit_code.has_value(), "reconcile hung:\n" << run.err);
    REQUIRE_MESSAGE((*run.exit_code == 0 || *run.exit_code == 1), run.err);
    REQUIRE_MESSAGE(!run.report.empty(), run.out << run.err);
    if (*run.exit_code == 1) {
      // A failing run names what failed.
      CHECK(!run.report.at("failures").as_array().empty());
      CHECK(run.report.at("ok") == false);
    }
    for (const auto& f : run.report.at("failures").as_array())
      token_throttled =
          token_throttled ||
          std::string_view(f.at("message").as_string()).find("token endpoint throttled") !=
              std::string_view::npos;
    resumed += run.report.at("resumed").to_number<std::int64_t>();
    clean = *run.exit_code == 0 && run.report.at("planned_writes").to_number<int>() == 0;
    expire_tokens(sb);  // the next run's cached token is refused: refreshed once
  }
  const auto fired = faults_fired(sb);
  clear_faults(sb);
  CHECK(token_throttled);  // reported, and the runs after it went on
  CHECK(resumed > 0);      // writes a failing run left pending were sent later

  // Faults gone: one run reaches agreement, the next plans nothing.
  ReconcileRun settle = reconcile(config, kRunLimit);
  print_run(runs + 1, settle);
  REQUIRE(settle.exit_code.has_value());
  CHECK_MESSAGE(*settle.exit_code == 0, settle.out.substr(0, 4000) << settle.err);
  ReconcileRun final_run = reconcile(config, kRunLimit);
  print_run(runs + 2, final_run);
  REQUIRE(final_run.exit_code.has_value());
  CHECK(*final_run.exit_code == 0);
  CHECK(final_run.report.at("planned_writes").to_number<int>() == 0);

  const Census after = census(sb.dump());
  const auto duplicates = after.duplicates();
  for (const auto& d : duplicates)
    std::printf("duplicate: %s\n", d.c_str());
  CHECK(duplicates.empty());
  const auto missing = after.missing(people);
  for (std::size_t i = 0; i < missing.size() && i < 20; ++i)
    std::printf("missing: %s\n", missing[i].c_str());
  CHECK(missing.empty());
  for (const std::string& email : created)
    CHECK(after.everyone.count(email) == 1);
  // No record that existed before is gone.
  std::size_t lost = 0;
  for (const std::string& id : before.record_ids)
    lost += after.record_ids.count(id) == 0 ? 1 : 0;
  CHECK(lost == 0);

  // Never over a limit: every 429 the client saw was an injected one.
  CHECK(limited_total(sb) == 0);
  const auto calls_after = calls_by_product(sb);
  std::int64_t calls = 0;
  for (const auto& [product, n] : calls_after)
    calls += n - (calls_before.count(product) ? calls_before.at(product) : 0);
  std::printf("%d runs under faults, %lld calls; faults fired:", runs,
              static_cast<long long>(calls));
  for (const auto& [kind, n] : fired)
    std::printf(" %s %lld", kind.c_str(), static_cast<long long>(n));
  std::printf("\n");
  for (const char* kind : {"500", "429", "reset", "hang", "truncate", "malformed"}) {
    CAPTURE(kind);
    CHECK((fired.count(kind) != 0 && fired.at(kind) > 0));
  }
}

}  // namespace
}  // namespace zohosync::faults::test
