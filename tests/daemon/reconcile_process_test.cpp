// `zohosync reconcile` as a user runs it, against a real zoho-sandbox process
// with the committed config/sandbox.toml: the dry run writes nothing (the
// sandbox's counters show no write, the state dir is not created), the --json
// document carries every action with its reason, a real run applies, a second
// run plans nothing, and the exit code tells failures and configuration
// faults apart.
#include <doctest/doctest.h>
#include <sys/wait.h>

#include <boost/json.hpp>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include "tests/sandbox/test_client.hpp"
#include "tests/state/temp_dir.hpp"

namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using zohosync::sandbox::test::sandbox_process;
using zohosync::sandbox::test::session;

const std::string kSandboxConfig = std::string(ZOHOSYNC_SOURCE_DIR) + "/config/sandbox.toml";

struct Run {
  int exit_code = -1;
  std::string out;
  std::string err;
};

std::string slurp(const fs::path& file) {
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Runs zohosync to completion (it always ends on its own) with stdout and
// stderr captured apart.
Run run_zohosync(const fs::path& scratch, const std::string& args) {
  const fs::path out = scratch / "stdout", err = scratch / "stderr";
  const std::string command =
      std::string(ZOHOSYNC_EXE) + " " + args + " >" + out.string() + " 2>" + err.string();
  int status = std::system(command.c_str());
  Run run;
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  run.out = slurp(out);
  run.err = slurp(err);
  return run;
}

std::string common_args(std::uint16_t port, const std::string& state_dir,
                        const std::string& config = kSandboxConfig) {
  return "--config " + config + " --base-url http://127.0.0.1:" + std::to_string(port) +
         " --state-dir " + state_dir + " --log-level warn";
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
  zohosync::state::testing::TempDir dir;
  const std::string state_dir = dir.sub("state");
  const std::string args = common_args(proc.port(), state_dir);

  Run dry = run_zohosync(dir.path(), "reconcile --dry-run --json " + args);
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

  Run real = run_zohosync(dir.path(), "reconcile --json " + args);
  REQUIRE_MESSAGE(real.exit_code == 0, real.err);
  json::object done = json::parse(real.out).as_object();
  CHECK(done.at("ok") == true);
  CHECK(done.at("planned_writes").to_number<std::int64_t>() == planned);
  CHECK(done.at("failed").to_number<std::int64_t>() == 0);
  CHECK(product_writes(s) > 0);

  const std::int64_t writes_after_first = product_writes(s);
  Run again = run_zohosync(dir.path(), "reconcile --json " + args);
  REQUIRE_MESSAGE(again.exit_code == 0, again.err);
  CHECK(json::parse(again.out).at("planned_writes").to_number<std::int64_t>() == 0);
  CHECK(product_writes(s) == writes_after_first);

  // The table a person reads names every collection and the totals.
  Run table = run_zohosync(dir.path(), "reconcile " + args);
  CHECK(table.exit_code == 0);
  CHECK(table.out.find("crm.contacts") != std::string::npos);
  CHECK(table.out.find("total") != std::string::npos);
}

TEST_CASE("reconcile: a write the product keeps refusing gives exit 1 and names the record") {
  sandbox_process proc({"--people", "30", "--overlap", "0.5", "--no-limits"});
  session s(proc.port());
  zohosync::state::testing::TempDir dir;
  const std::string args = common_args(proc.port(), dir.sub("state"));
  REQUIRE(run_zohosync(dir.path(), "reconcile " + args).exit_code == 0);

  // A new person in Projects; CRM answers every write with a server error.
  auto edit = s.admin_post("edit", R"({"product":"projects","collection":"contacts","op":"create",
      "parent":"170876000000000001","fields":{"first_name":"Nia","last_name":"Okafor",
      "email":"nia.okafor@example.com"}})");
  REQUIRE(edit.status < 300);
  auto fault = s.admin_post(
      "faults", R"({"kind":"500","path":"/crm/v8/Contacts*","method":"POST","times":1000})");
  REQUIRE(fault.status < 300);

  Run failed = run_zohosync(dir.path(), "reconcile --json " + args);
  CHECK(failed.exit_code == 1);
  json::object report = json::parse(failed.out).as_object();
  CHECK(report.at("ok") == false);
  bool named = false;
  for (const auto& f : report.at("failures").as_array())
    named = named || f.at("email") == "nia.okafor@example.com";
  CHECK(named);

  // Once CRM answers again, the next run delivers what was left pending.
  REQUIRE(s.client.request("DELETE", "/__sandbox/faults").status < 300);
  Run recovered = run_zohosync(dir.path(), "reconcile --json " + args);
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
  zohosync::state::testing::TempDir dir;
  std::string text = slurp(kSandboxConfig);
  const std::string secret = "sandbox-secret";
  text.replace(text.find(secret), secret.size(), "not-the-secret-4711");
  const fs::path config = dir.path() / "wrong.toml";
  std::ofstream(config) << text;

  Run run = run_zohosync(
      dir.path(), "reconcile " + common_args(proc.port(), dir.sub("state"), config.string()));
  CHECK(run.exit_code == 78);
  CHECK(run.err.find("not-the-secret-4711") == std::string::npos);
  CHECK(run.out.find("not-the-secret-4711") == std::string::npos);
  CHECK(run.err.find("1000.sandbox.refresh") == std::string::npos);
}

TEST_CASE(
    "reconcile: a person deleted in Inventory is seen by the next run, a new process "
    "(on_delete = propagate deletes it in CRM)") {
  // Person edits move their contact's time, so the next run lists the
  // contact again, incrementally: no full scan is due for a day.
  sandbox_process proc(
      {"--people", "40", "--overlap", "0.5", "--no-limits", "--person-bumps-contact"});
  session s(proc.port());
  zohosync::state::testing::TempDir dir;
  std::string text = slurp(kSandboxConfig);
  const std::string unlink = R"(on_delete = "unlink")";
  REQUIRE(text.find(unlink) != std::string::npos);
  text.replace(text.find(unlink), unlink.size(), R"(on_delete = "propagate")");
  const fs::path config = dir.path() / "propagate.toml";
  std::ofstream(config) << text;
  const std::string args = common_args(proc.port(), dir.sub("state"), config.string());
  REQUIRE(run_zohosync(dir.path(), "reconcile " + args).exit_code == 0);

  auto lower = [](std::string email) {
    for (char& c : email)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return email;
  };
  auto crm_has = [&](const std::string& email) {
    const json::object dump = s.dump();  // held: the loop reads into it
    for (const auto& c : dump.at("crm").at("contacts").as_array()) {
      if (c.as_object().contains("Email") && c.at("Email").is_string() &&
          lower(std::string(c.at("Email").as_string())) == email)
        return true;
    }
    return false;
  };
  // An Inventory person that the first run synced to CRM.
  std::string victim, email;
  const json::object before = s.dump();
  for (const auto& p : before.at("inventory").at("contact_persons").as_array()) {
    if (!p.at("email").is_string() || p.at("email").as_string().empty())
      continue;
    const std::string candidate = lower(std::string(p.at("email").as_string()));
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

  Run after = run_zohosync(dir.path(), "reconcile --json " + args);
  REQUIRE_MESSAGE(after.exit_code == 0, after.err);
  json::object report = json::parse(after.out).as_object();
  CHECK(report.at("collections").at("crm.contacts").at("deletes").to_number<std::int64_t>() == 1);
  CHECK_FALSE(crm_has(email));
  Run again = run_zohosync(dir.path(), "reconcile --json " + args);
  REQUIRE_MESSAGE(again.exit_code == 0, again.err);
  CHECK(json::parse(again.out).at("planned_writes").to_number<std::int64_t>() == 0);
  CHECK_FALSE(crm_has(email));
}

namespace {

std::string lower(std::string text) {
  for (char& c : text)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// The lower-cased emails each product holds, by "product.collection".
std::map<std::string, std::multiset<std::string>> emails_by_collection(session& s) {
  const json::object dump = s.dump();  // held: the loops read into it
  std::map<std::string, std::multiset<std::string>> out;
  auto collect = [&](const char* product, const char* collection, const char* field) {
    auto& emails = out[std::string(product) + "." + collection];
    for (const auto& row : dump.at(product).at(collection).as_array()) {
      const json::value* email = row.as_object().if_contains(field);
      if (email != nullptr && email->is_string() && !email->as_string().empty())
        emails.insert(lower(std::string(email->as_string())));
    }
  };
  collect("crm", "contacts", "Email");
  collect("projects", "contacts", "email");
  collect("inventory", "contact_persons", "email");
  collect("contracts", "counterpartyusers", "emailId");
  return out;
}

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
  zohosync::state::testing::TempDir dir;
  const std::string args = common_args(proc.port(), dir.sub("state"));
  REQUIRE(run_zohosync(dir.path(), "reconcile " + args).exit_code == 0);

  // A Contracts contact that the first run synced to CRM and at least one
  // other product, its email present once in Contracts.
  auto before = emails_by_collection(s);
  std::string id, email;
  const json::object dump = s.dump();
  for (const auto& row : dump.at("contracts").at("counterpartyusers").as_array()) {
    const std::string candidate = lower(std::string(row.at("emailId").as_string()));
    if (before["contracts.counterpartyusers"].count(candidate) == 1 &&
        before["crm.contacts"].count(candidate) == 1 &&
        before["projects.contacts"].count(candidate) +
                before["inventory.contact_persons"].count(candidate) >=
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

  Run after = run_zohosync(dir.path(), "reconcile --json " + args);
  REQUIRE_MESSAGE(after.exit_code == 0, (after.err + after.out));
  const json::object report = json::parse(after.out).as_object();
  CHECK(total_of(report, "creates") == 0);
  CHECK(total_of(report, "deletes") == 0);
  CHECK(total_of(report, "unlinks") == 0);
  const auto now = emails_by_collection(s);
  for (const auto& [collection, emails] : now) {
    CAPTURE(collection);
    CHECK(emails.count(email) == 0);
    CHECK(emails.count(renamed) == before[collection].count(email));
    CHECK(emails.size() == before[collection].size());  // nobody created or deleted
  }
  Run again = run_zohosync(dir.path(), "reconcile --json " + args);
  REQUIRE_MESSAGE(again.exit_code == 0, again.err);
  CHECK(json::parse(again.out).at("planned_writes").to_number<std::int64_t>() == 0);
}

TEST_CASE(
    "reconcile: an Inventory contact deleted with its persons is seen by the next run, not only by "
    "the daily full scan (on_delete = propagate deletes them in CRM)") {
  sandbox_process proc({"--people", "40", "--overlap", "0.5", "--no-limits"});
  session s(proc.port());
  zohosync::state::testing::TempDir dir;
  std::string text = slurp(kSandboxConfig);
  const std::string unlink = R"(on_delete = "unlink")";
  REQUIRE(text.find(unlink) != std::string::npos);
  text.replace(text.find(unlink), unlink.size(), R"(on_delete = "propagate")");
  const fs::path config = dir.path() / "propagate.toml";
  std::ofstream(config) << text;
  const std::string args = common_args(proc.port(), dir.sub("state"), config.string());
  REQUIRE(run_zohosync(dir.path(), "reconcile " + args).exit_code == 0);

  // A contact whose persons the first run synced to CRM.
  const auto before = emails_by_collection(s);
  const json::object dump = s.dump();
  std::map<std::string, std::vector<std::string>> persons_of;  // contact -> synced emails
  for (const auto& p : dump.at("inventory").at("contact_persons").as_array()) {
    const json::value& e = p.at("email");
    if (!e.is_string() || e.as_string().empty())
      continue;
    const std::string email = lower(std::string(e.as_string()));
    if (before.at("crm.contacts").count(email) == 1 &&
        before.at("inventory.contact_persons").count(email) == 1)
      persons_of[json::value_to<std::string>(p.at("contact_id"))].push_back(email);
  }
  // Not the configured default contact (where new people go), and the one
  // with the fewest people: a handful of deletes, well below the
  // mass-delete guard.
  const std::string key = "default_contact_id = \"";
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

  Run after = run_zohosync(dir.path(), "reconcile --json " + args);
  REQUIRE_MESSAGE(after.exit_code == 0, (after.err + after.out));
  const json::object report = json::parse(after.out).as_object();
  CHECK(report.at("collections").at("crm.contacts").at("deletes").to_number<std::int64_t>() ==
        static_cast<std::int64_t>(emails.size()));
  const auto now = emails_by_collection(s);
  for (const std::string& email : emails) {
    CAPTURE(email);
    for (const auto& [collection, held] : now)
      CHECK(held.count(email) == 0);
  }
  Run again = run_zohosync(dir.path(), "reconcile --json " + args);
  REQUIRE_MESSAGE(again.exit_code == 0, again.err);
  CHECK(json::parse(again.out).at("planned_writes").to_number<std::int64_t>() == 0);
}
