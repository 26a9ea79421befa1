// `zohosync check-config --online` against zoho-sandbox: a token refreshed,
// the granted scopes compared, one read per collection; each problem one line
// naming its place, exit 78 for what the operator must fix, 69 for a Zoho that
// cannot be reached, 0 when all is well; never a write.
#include <doctest/doctest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "tests/sandbox/test_client.hpp"
#include "tests/support/files.hpp"
#include "tests/support/run_zohosync.hpp"
#include "tests/support/sandbox_config.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

namespace fs = std::filesystem;
using zohosync::sandbox::test::sandbox_process;
using zohosync::sandbox::test::session;
using zohosync::support::read_file;
using zohosync::support::Run;
using zohosync::support::run_zohosync;
using zohosync::support::sandbox_url;
using zohosync::support::TempDir;
using zohosync::support::write_config;

fs::path config_for(TempDir& dir, std::uint16_t port,
                    zohosync::support::Credentials credentials = {}) {
  return write_config(dir.path(), {.base_url = sandbox_url(port),
                                   .state_dir = dir.sub("state"),
                                   .budgets = zohosync::support::generous_budgets(),
                                   .credentials = credentials});
}

// The configuration with `from` replaced by `to` (once).
void edit(const fs::path& config, const std::string& from, const std::string& to) {
  std::string text = read_file(config);
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  text.replace(at, from.size(), to);
  std::ofstream(config) << text;
}

Run check_online(const fs::path& config) {
  return run_zohosync({"check-config", "--online", "--config", config.string()});
}

// Requests other than GET the sandbox served, the token endpoint aside.
std::int64_t writes(session& s) {
  std::int64_t count = 0;
  const boost::json::object counters = s.client.get("/__sandbox/counters").obj();
  for (const auto& row : counters.at("requests").as_array()) {
    const auto& r = row.as_object();
    if (r.at("method").as_string() != "GET" && r.at("product").as_string() != "accounts")
      count += r.at("count").as_int64();
  }
  return count;
}

std::size_t lines(const std::string& text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

}  // namespace

TEST_CASE("check-config --online: all well reads every collection once and writes nothing") {
  sandbox_process proc({"--people", "6", "--no-limits"});
  session s(proc.port());
  TempDir dir;
  const fs::path config = config_for(dir, proc.port());
  Run run = check_online(config);
  CHECK_MESSAGE(run.exit_code == 0, run.err);
  CHECK(run.out.find("online: access token refreshed, every needed scope granted; 5 collections "
                     "read") != std::string::npos);
  CHECK(run.err.empty());
  CHECK(writes(s) == 0);
}

TEST_CASE("check-config --online: wrong organization, portal and counterparty ids, one line each") {
  sandbox_process proc({"--people", "6", "--no-limits"});
  session s(proc.port());
  TempDir dir;
  const fs::path config = config_for(dir, proc.port());
  edit(config, "organization_id = \"10234695\"", "organization_id = \"99999999\"");
  edit(config, "portal_id = \"60012345678\"", "portal_id = \"60000000000\"");
  edit(config, "[contracts]\nenabled = true\n",
       "[contracts]\nenabled = true\ncounterparties = [\"NoSuchCounterparty\"]\n");
  Run run = check_online(config);
  CHECK(run.exit_code == 78);
  const std::string prefix = config.string() + ": online: ";
  CHECK(run.err.find(prefix + "inventory.contact_persons: ") != std::string::npos);
  CHECK(run.err.find(prefix + "inventory.users: ") != std::string::npos);
  CHECK(run.err.find(prefix + "projects.contacts: ") != std::string::npos);
  CHECK(run.err.find(prefix + "contracts.counterparty_contacts: ") != std::string::npos);
  CHECK(run.err.find("crm.contacts") == std::string::npos);  // CRM's ids are right
  CHECK(lines(run.err) == 4);
  CHECK(writes(s) == 0);
}

TEST_CASE("check-config --online: default parents that do not exist are named with their key") {
  sandbox_process proc({"--people", "6", "--no-limits"});
  session s(proc.port());
  TempDir dir;
  const fs::path config = config_for(dir, proc.port());
  edit(config, "default_contact_id = \"460000000000001\"",
       "default_contact_id = \"460999999999999\"");
  edit(config, "default_client_id = \"170876000000000001\"",
       "default_client_id = \"170876999999999999\"");
  edit(config, "default_counterparty = \"NewPeople\"", "default_counterparty = \"NoSuchParty\"");
  Run run = check_online(config);
  CHECK(run.exit_code == 78);
  CHECK(run.err.find("inventory.contact_persons: default contact "
                     "460999999999999 does not exist (default_contact_id)") != std::string::npos);
  CHECK(run.err.find("projects.contacts: default client 170876999999999999 "
                     "does not exist (default_client_id)") != std::string::npos);
  CHECK(run.err.find("contracts.counterparty_contacts: default counterparty NoSuchParty "
                     "(default_counterparty): ") != std::string::npos);
  CHECK(lines(run.err) == 3);
  CHECK(writes(s) == 0);
}

TEST_CASE("check-config --online: an include rule on a field CRM does not have is named") {
  sandbox_process proc({"--people", "6", "--no-limits"});
  session s(proc.port());
  TempDir dir;
  const fs::path config = config_for(dir, proc.port());
  edit(config, "[collections.crm.contacts]\n",
       "[collections.crm.contacts]\ninclude = [\"Contact_Type = Customer\", \"Customer_Tier "
       "!= Bronze\"]\n");
  Run run = check_online(config);
  CHECK(run.exit_code == 78);
  CHECK(run.err.find("crm.contacts: include rules name fields the Contacts module does not have: "
                     "Customer_Tier (") != std::string::npos);
  CHECK(lines(run.err) == 1);
  // Spelled as CRM knows it, every field is there.
  edit(config, "\"Customer_Tier != Bronze\"", "\"Lead_Source != Cold Call\"");
  Run fixed = check_online(config);
  CHECK_MESSAGE(fixed.exit_code == 0, fixed.err);
  CHECK(writes(s) == 0);
}

TEST_CASE("check-config --online: a refresh token short of a scope is named with what needs it") {
  sandbox_process proc({"--people", "6", "--no-limits"});
  session s(proc.port());
  REQUIRE(s.admin_post("knobs", R"({"scopes": ["ZohoInventory.contacts.ALL",
      "ZohoInventory.settings.ALL", "ZohoProjects.users.ALL", "ZohoProjects.clients.ALL",
      "contracts.contracts.ALL"]})")
              .status == 200);
  TempDir dir;
  Run run = check_online(config_for(dir, proc.port()));
  CHECK(run.exit_code == 78);
  CHECK(run.err.find("oauth: the refresh token lacks ZohoCRM.modules.contacts.ALL (needed by "
                     "crm.contacts)") != std::string::npos);
  // The read that scope would allow is refused too, and says so.
  CHECK(run.err.find("crm.contacts: ") != std::string::npos);
}

TEST_CASE("check-config --online: a wrong client secret is a configuration error") {
  sandbox_process proc({"--people", "4", "--no-limits"});
  TempDir dir;
  zohosync::support::Credentials wrong;
  wrong.client_secret = "not-the-secret";
  Run run = check_online(config_for(dir, proc.port(), wrong));
  CHECK(run.exit_code == 78);
  CHECK(run.err.find("oauth: token endpoint refused the client (invalid_client)") !=
        std::string::npos);
  CHECK(run.err.find("not-the-secret") == std::string::npos);
  CHECK(lines(run.err) == 1);  // without a token nothing else is asked
}

TEST_CASE("check-config --online: a Zoho that cannot be reached exits 69") {
  TempDir dir;
  const fs::path config = config_for(dir, 1);
  Run run = check_online(config);
  CHECK(run.exit_code == 69);
  CHECK(run.err.find("oauth: cannot connect to http://127.0.0.1:1") != std::string::npos);
}
