// `zohosync reconcile` as a user runs it, against a real zoho-sandbox process
// with the committed config/sandbox.toml: the dry run writes nothing (the
// sandbox's counters show no write, the state dir is not created), the --json
// document carries every action with its reason, a real run applies, a second
// run plans nothing, and the exit code tells failures and configuration
// faults apart.
#include <doctest/doctest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "common/email_address.hpp"
#include "tests/sandbox/test_client.hpp"
#include "tests/support/census.hpp"
#include "tests/support/files.hpp"
#include "tests/support/run_zohosync.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using zohosync::common::normalize_email;
using zohosync::sandbox::test::sandbox_process;
using zohosync::sandbox::test::session;
using zohosync::support::Census;
using zohosync::support::census;
using zohosync::support::create_collections;
using zohosync::support::read_file;
using zohosync::support::Run;
using zohosync::support::sandbox_args;
using zohosync::support::TempDir;

const std::string kSandboxConfig = zohosync::support::sandbox_toml();

// `zohosync COMMAND... ARGS...` to its end.
Run run_command(std::vector<std::string> command, const std::vector<std::string>& args) {
  command.insert(command.end(), args.begin(), args.end());
  return zohosync::support::run_zohosync(command);
}

// config/sandbox.toml with on_delete = "propagate", written into `dir`.
struct EditedConfig {
  fs::path path;
  std::string text;
};
EditedConfig propagate_config(const fs::path& dir) {
  EditedConfig config{dir / "propagate.toml", read_file(kSandboxConfig)};
  const std::string unlink = R"(on_delete = "unlink")";
  REQUIRE(config.text.find(unlink) != std::string::npos);
  config.text.replace(config.text.find(unlink), unlink.size(), R"(on_delete = "propagate")");
  std::ofstream(config.path) << config.text;
  return config;
}

// Requests that change something in a product (token requests excluded).
std::int64_t product_writes(session& s) {
  auto counters = s.client.get("/__sandbox/counters").obj();
  std::int64_t writes = 0;
  for (const auto& row : counters.at("requests").as_array()) {
    const auto& r = row.as_object();
    if (r.at("method") != "GET" && r.at("product") != "accounts")
      writes += r.at("count").to_number<std::int64_t>();
  }
  return writes;
}

}  // namespace

TEST_CASE("reconcile: a dry run writes nothing, a real run applies, a second run plans nothing") {
  sandbox_process proc({"--people", "40", "--overlap", "0.5", "--no-limits"});
  session s(proc.port());
  TempDir dir;
  const std::string state_dir = dir.sub("state");
  const auto args = sandbox_args(proc.port(), state_dir);

  Run dry = run_command({"reconcile", "--dry-run", "--json"}, args);
  REQUIRE_MESSAGE(dry.exit_code == 0, dry.err);
  json::object plan = json::parse(dry.out).as_object();
  CHECK(plan.at("dry_run") == true);
  CHECK(plan.at("collections").as_object().size() == 5);
  const auto planned = plan.at("planned_writes").to_number<std::int64_t>();
  CHECK(planned > 0);
  bool every_action_explained = true;
  for (const auto& a : plan.at("actions").as_array()) {
    const auto& action = a.as_object();
    every_action_explained = every_action_explained && !action.at("kind").as_string().empty() &&
                             !action.at("collection").as_string().empty() &&
                             !action.at("reason").as_string().empty();
  }
  CHECK(every_action_explained);
  CHECK(plan.at("actions").as_array().size() >= static_cast<std::size_t>(planned));
  CHECK(product_writes(s) == 0);
  CHECK_FALSE(fs::exists(state_dir));  // truly dry: no state, no token cache

  Run real = run_command({"reconcile", "--json"}, args);
  REQUIRE_MESSAGE(real.exit_code == 0, real.err);
  json::object done = json::parse(real.out).as_object();
  CHECK(done.at("ok") == true);
  CHECK(done.at("planned_writes").to_number<std::int64_t>() == planned);
  CHECK(done.at("failed").to_number<std::int64_t>() == 0);
  CHECK(product_writes(s) > 0);

  const std::int64_t writes_after_first = product_writes(s);
  Run again = run_command({"reconcile", "--json"}, args);
  REQUIRE_MESSAGE(again.exit_code == 0, again.err);
  CHECK(json::parse(again.out).at("planned_writes").to_number<std::int64_t>() == 0);
  CHECK(product_writes(s) == writes_after_first);

  // The table a person reads names every collection and the totals.
  Run table = run_command({"reconcile"}, args);
  CHECK(table.exit_code == 0);
  CHECK(table.out.find("crm.contacts") != std::string::npos);
  CHECK(table.out.find("total") != std::string::npos);
}

TEST_CASE("reconcile: a write the product keeps refusing gives exit 1 and names the record") {
  sandbox_process proc({"--people", "30", "--overlap", "0.5", "--no-limits"});
  session s(proc.port());
  TempDir dir;
  const auto args = sandbox_args(proc.port(), dir.sub("state"));
  REQUIRE(run_command({"reconcile"}, args).exit_code == 0);

  // A new person in Projects; CRM answers every write with a server error.
  auto edit = s.admin_post("edit", R"({"product":"projects","collection":"contacts","op":"create",
      "parent":"170876000000000001","fields":{"first_name":"Nia","last_name":"Okafor",
      "email":"nia.okafor@example.com"}})");
  REQUIRE(edit.status < 300);
  auto fault = s.admin_post(
      "faults", R"({"kind":"500","path":"/crm/v8/Contacts*","method":"POST","times":1000})");
  REQUIRE(fault.status < 300);

  Run failed = run_command({"reconcile", "--json"}, args);
  CHECK(failed.exit_code == 1);
  json::object report = json::parse(failed.out).as_object();
  CHECK(report.at("ok") == false);
  bool named = false;
  for (const auto& f : report.at("failures").as_array())
    named = named || f.at("email") == "nia.okafor@example.com";
  CHECK(named);

  // Once CRM answers again, the next run delivers what was left pending.
  REQUIRE(s.client.request("DELETE", "/__sandbox/faults").status < 300);
  Run recovered = run_command({"reconcile", "--json"}, args);
  CHECK(recovered.exit_code == 0);
  bool in_crm = false;
  const json::object dump = s.dump();
  for (const auto& c : dump.at("crm").at("contacts").as_array())
    in_crm = in_crm || c.at("Email") == "nia.okafor@example.com";
  CHECK(in_crm);
}

TEST_CASE(
    "reconcile: refused credentials are a configuration fault (exit 78) and no secret is printed") {
  sandbox_process proc({"--people", "10", "--no-limits"});
  TempDir dir;
  std::string text = read_file(kSandboxConfig);
  const std::string secret = "sandbox-secret";
  text.replace(text.find(secret), secret.size(), "not-the-secret-4711");
  const fs::path config = dir.path() / "wrong.toml";
  std::ofstream(config) << text;

  Run run =
      run_command({"reconcile"}, sandbox_args(proc.port(), dir.sub("state"), config.string()));
  CHECK(run.exit_code == 78);
  CHECK(run.err.find("not-the-secret-4711") == std::string::npos);
  CHECK(run.out.find("not-the-secret-4711") == std::string::npos);
  CHECK(run.err.find("sandbox-refresh-token") == std::string::npos);
}

TEST_CASE(
    "reconcile: a person deleted in Inventory is seen by the next run, a new process "
    "(on_delete = propagate deletes it in CRM)") {
  // Person edits move their contact's time, so the next run lists the
  // contact again, incrementally: no full scan is due for a day.
  sandbox_process proc(
      {"--people", "40", "--overlap", "0.5", "--no-limits", "--person-bumps-contact"});
  session s(proc.port());
  TempDir dir;
  const EditedConfig config = propagate_config(dir.path());
  const auto args = sandbox_args(proc.port(), dir.sub("state"), config.path.string());
  REQUIRE(run_command({"reconcile"}, args).exit_code == 0);

  auto crm_has = [&](const std::string& email) {
    return census(s.dump()).count("crm.contacts", email) != 0;
  };
  // An Inventory person that the first run synced to CRM.
  std::string victim, email;
  const json::object before = s.dump();
  for (const auto& p : before.at("inventory").at("contact_persons").as_array()) {
    if (!p.at("email").is_string() || p.at("email").as_string().empty())
      continue;
    const std::string candidate = normalize_email(p.at("email").as_string());
    if (crm_has(candidate)) {
      victim = json::value_to<std::string>(p.at("contact_person_id"));
      email = candidate;
      break;
    }
  }
  REQUIRE_FALSE(victim.empty());
  REQUIRE(s.admin_post("clock", R"({"advance":2})").status == 200);
  REQUIRE(s.admin_post("edit", R"({"product":"inventory","collection":"contact_persons",
      "op":"delete","id":")" + victim +
                                   R"("})")
              .status < 300);

  Run after = run_command({"reconcile", "--json"}, args);
  REQUIRE_MESSAGE(after.exit_code == 0, after.err);
  json::object report = json::parse(after.out).as_object();
  CHECK(report.at("collections").at("crm.contacts").at("deletes").to_number<std::int64_t>() == 1);
  CHECK_FALSE(crm_has(email));
  Run again = run_command({"reconcile", "--json"}, args);
  REQUIRE_MESSAGE(again.exit_code == 0, again.err);
  CHECK(json::parse(again.out).at("planned_writes").to_number<std::int64_t>() == 0);
  CHECK_FALSE(crm_has(email));
}

namespace {

std::int64_t total_of(const json::object& report, const char* kind) {
  std::int64_t n = 0;
  for (const auto& [collection, counts] : report.at("collections").as_object())
    n += counts.at(kind).to_number<std::int64_t>();
  return n;
}

}  // namespace

TEST_CASE(
    "reconcile: an email changed in Contracts is an edit - it reaches every product, nobody is "
    "created, the old email is nowhere") {
  sandbox_process proc({"--people", "40", "--overlap", "0.5", "--no-limits"});
  session s(proc.port());
  TempDir dir;
  const auto args = sandbox_args(proc.port(), dir.sub("state"));
  REQUIRE(run_command({"reconcile"}, args).exit_code == 0);

  // A Contracts contact that the first run synced to CRM and at least one
  // other product, its email present once in Contracts.
  const Census before = census(s.dump());
  std::string id, email;
  const json::object dump = s.dump();
  for (const auto& row : dump.at("contracts").at("counterpartyusers").as_array()) {
    const std::string candidate = normalize_email(row.at("emailId").as_string());
    if (before.count("contracts.counterparty_contacts", candidate) == 1 &&
        before.count("crm.contacts", candidate) == 1 &&
        before.count("projects.contacts", candidate) +
                before.count("inventory.contact_persons", candidate) >=
            1) {
      id = json::value_to<std::string>(row.at("id"));
      email = candidate;
      break;
    }
  }
  REQUIRE_FALSE(id.empty());
  const std::string renamed = "renamed." + email;
  REQUIRE(s.admin_post("clock", R"({"advance":2})").status == 200);
  REQUIRE(s.admin_post("edit", R"({"product":"contracts","collection":"counterpartyusers",)"
                               R"("op":"update","id":")" +
                                   id + R"(","fields":{"emailId":")" + renamed + R"("}})")
              .status < 300);

  Run after = run_command({"reconcile", "--json"}, args);
  REQUIRE_MESSAGE(after.exit_code == 0, (after.err + after.out));
  const json::object report = json::parse(after.out).as_object();
  CHECK(total_of(report, "creates") == 0);
  CHECK(total_of(report, "deletes") == 0);
  CHECK(total_of(report, "unlinks") == 0);
  const Census now = census(s.dump());
  for (const std::string& collection : create_collections()) {
    CAPTURE(collection);
    CHECK(now.count(collection, email) == 0);
    CHECK(now.count(collection, renamed) == before.count(collection, email));
    CHECK(now.with_email(collection) ==
          before.with_email(collection));  // nobody created or deleted
  }
  Run again = run_command({"reconcile", "--json"}, args);
  REQUIRE_MESSAGE(again.exit_code == 0, again.err);
  CHECK(json::parse(again.out).at("planned_writes").to_number<std::int64_t>() == 0);
}

TEST_CASE(
    "reconcile: an Inventory contact deleted with its persons is seen by the next run, not only by "
    "the daily full scan (on_delete = propagate deletes them in CRM)") {
  sandbox_process proc({"--people", "40", "--overlap", "0.5", "--no-limits"});
  session s(proc.port());
  TempDir dir;
  const EditedConfig config = propagate_config(dir.path());
  const auto args = sandbox_args(proc.port(), dir.sub("state"), config.path.string());
  REQUIRE(run_command({"reconcile"}, args).exit_code == 0);

  // A contact whose persons the first run synced to CRM.
  const Census before = census(s.dump());
  const json::object dump = s.dump();
  std::map<std::string, std::vector<std::string>> persons_of;  // contact -> synced emails
  for (const auto& p : dump.at("inventory").at("contact_persons").as_array()) {
    const json::value& e = p.at("email");
    if (!e.is_string() || e.as_string().empty())
      continue;
    const std::string email = normalize_email(e.as_string());
    if (before.count("crm.contacts", email) == 1 &&
        before.count("inventory.contact_persons", email) == 1)
      persons_of[json::value_to<std::string>(p.at("contact_id"))].push_back(email);
  }
  // Not the configured default contact (where new people go), and the one
  // with the fewest people: a handful of deletes, well below the
  // mass-delete guard.
  const std::string key = "default_contact_id = \"";
  const std::string& text = config.text;
  const auto at = text.find(key);
  REQUIRE(at != std::string::npos);
  persons_of.erase(text.substr(at + key.size(), text.find('"', at + key.size()) - at - key.size()));
  REQUIRE_FALSE(persons_of.empty());
  auto fewest = persons_of.begin();
  for (auto it = persons_of.begin(); it != persons_of.end(); ++it) {
    if (it->second.size() < fewest->second.size())
      fewest = it;
  }
  const std::string contact = fewest->first;
  const std::vector<std::string> emails = fewest->second;
  REQUIRE(s.admin_post("clock", R"({"advance":2})").status == 200);
  REQUIRE(s.admin_post("edit", R"({"product":"inventory","collection":"contacts",)"
                               R"("op":"delete","id":")" +
                                   contact + R"("})")
              .status < 300);

  Run after = run_command({"reconcile", "--json"}, args);
  REQUIRE_MESSAGE(after.exit_code == 0, (after.err + after.out));
  const json::object report = json::parse(after.out).as_object();
  CHECK(report.at("collections").at("crm.contacts").at("deletes").to_number<std::int64_t>() ==
        static_cast<std::int64_t>(emails.size()));
  const Census now = census(s.dump());
  for (const std::string& email : emails) {
    CAPTURE(email);
    for (const std::string& collection : create_collections())
      CHECK(now.count(collection, email) == 0);
  }
  Run again = run_command({"reconcile", "--json"}, args);
  REQUIRE_MESSAGE(again.exit_code == 0, again.err);
  CHECK(json::parse(again.out).at("planned_writes").to_number<std::int64_t>() == 0);
}
