// Selective sync end to end: `zohosync reconcile` against a zoho-sandbox
// process, with crm.contacts limited to customers by an include rule on its
// Contact_Type picklist. What an admin checks: the dry run shows what the
// rule does before anything is written; CRM contacts that are not customers
// reach no other product; nobody is created in CRM beside a contact the rule
// leaves out; people created in CRM are customers; a customer who becomes a
// lead is unlinked, not deleted (even with on_delete = "propagate"); and the
// runs converge.
#include <doctest/doctest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
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
using zohosync::sandbox::test::sandbox_process;
using zohosync::sandbox::test::session;
using zohosync::support::census;
using zohosync::support::place;
using zohosync::support::read_file;
using zohosync::support::records_with;
using zohosync::support::Run;
using zohosync::support::sandbox_args;
using zohosync::support::TempDir;

const char* const kOthers[] = {"inventory.contact_persons", "projects.contacts",
                               "contracts.counterparty_contacts"};

// config/sandbox.toml with CRM limited to customers and deletes propagated.
fs::path customers_only_config(const fs::path& dir) {
  std::string text = read_file(zohosync::support::sandbox_toml());
  const std::string crm = "[collections.crm.contacts]\n";
  REQUIRE(text.find(crm) != std::string::npos);
  text.replace(text.find(crm), crm.size(), crm + "include = [\"Contact_Type = Customer\"]\n");
  const std::string unlink = R"(on_delete = "unlink")";
  REQUIRE(text.find(unlink) != std::string::npos);
  text.replace(text.find(unlink), unlink.size(), R"(on_delete = "propagate")");
  const fs::path path = dir / "customers.toml";
  std::ofstream(path) << text;
  return path;
}

Run reconcile(std::vector<std::string> command, const std::vector<std::string>& args) {
  command.insert(command.end(), args.begin(), args.end());
  return zohosync::support::run_zohosync(command);
}

std::string crm_contact(session& s, const std::string& email, const std::string& type) {
  auto reply = s.admin_post(
      "edit",
      R"({"product":"crm","collection":"contacts","op":"create","fields":{"Last_Name":"Test",)"
      R"("First_Name":"Sel","Email":")" +
          email + R"(","Contact_Type":")" + type + R"("}})");
  REQUIRE(reply.status < 300);
  return std::string(json::parse(reply.body).at("record").at("id").as_string());
}

int held_in(const json::object& dump, const char* collection, const std::string& email) {
  return static_cast<int>(records_with(dump, place(collection), email).size());
}

}  // namespace

TEST_CASE("selective sync: only CRM customers take part, as a source and as a create target") {
  sandbox_process proc({"--people", "30", "--overlap", "0.5", "--no-limits"});
  session s(proc.port());
  TempDir dir;
  const auto args =
      sandbox_args(proc.port(), dir.sub("state"), customers_only_config(dir.path()).string());
  const std::string lead = "sel.lead@example.com";
  const std::string customer = "sel.customer@example.com";
  crm_contact(s, lead, "Lead");
  const std::string customer_id = crm_contact(s, customer, "customer");  // case does not count
  // A lead in CRM who is also an Inventory contact person: Inventory's
  // record makes a person, and no second CRM contact may be made for it.
  const std::string both = "sel.both@example.com";
  crm_contact(s, both, "Lead");
  REQUIRE(
      s.admin_post("edit", R"({"product":"inventory","collection":"contact_persons","op":"create",
      "parent":"460000000000001","fields":{"first_name":"Bo","last_name":"Th","email":")" +
                               both + R"("}})")
          .status < 300);

  // The dry run shows what the rule does, before anything is written.
  Run dry = reconcile({"reconcile", "--dry-run", "--json"}, args);
  REQUIRE_MESSAGE(dry.exit_code == 0, dry.err);
  const json::object plan = json::parse(dry.out).as_object();
  bool lead_left_out = false;
  bool lead_created = false;
  bool customer_created = false;
  for (const auto& a : plan.at("actions").as_array()) {
    const auto& action = a.as_object();
    const std::string email(action.at("email").as_string());
    const std::string kind(action.at("kind").as_string());
    const std::string reason(action.at("reason").as_string());
    if (email.empty() && kind == "skip" && reason.find("include rule") != std::string::npos &&
        reason.find(lead) != std::string::npos)
      lead_left_out = true;
    lead_created = lead_created || (kind == "create" && email == lead);
    customer_created = customer_created || (kind == "create" && email == customer);
  }
  CHECK(lead_left_out);
  CHECK_FALSE(lead_created);
  CHECK(customer_created);

  Run real = reconcile({"reconcile", "--json"}, args);
  REQUIRE_MESSAGE(real.exit_code == 0, real.err);
  json::object dump = s.dump();
  for (const char* other : kOthers) {
    CAPTURE(other);
    CHECK(held_in(dump, other, lead) == 0);
    CHECK(held_in(dump, other, customer) == 1);
  }
  CHECK(held_in(dump, "crm.contacts", both) == 1);  // not created beside the lead
  CHECK(census(dump).duplicates().empty());
  // Everyone zohosync created in CRM is a customer: the next listing keeps them.
  std::size_t created_in_crm = 0;
  for (const auto& p : plan.at("actions").as_array()) {
    if (p.at("kind") == "create" && p.at("collection") == "crm.contacts") {
      ++created_in_crm;
      const std::string email(p.at("email").as_string());
      const auto in_crm = records_with(dump, place("crm.contacts"), email);
      REQUIRE(in_crm.size() == 1);
      CHECK(in_crm[0].at("Contact_Type") == "Customer");
    }
  }
  CHECK(created_in_crm > 0);

  Run again = reconcile({"reconcile", "--json"}, args);
  REQUIRE_MESSAGE(again.exit_code == 0, again.err);
  CHECK(json::parse(again.out).at("planned_writes").to_number<std::int64_t>() == 0);

  // The customer becomes a lead: unlinked in CRM, kept everywhere else.
  REQUIRE(s.admin_post("edit", R"({"product":"crm","collection":"contacts","id":")" + customer_id +
                                   R"(","fields":{"Contact_Type":"Lead"}})")
              .status < 300);
  Run moved = reconcile({"reconcile", "--json"}, args);
  REQUIRE_MESSAGE(moved.exit_code == 0, moved.err);
  bool unlinked = false;
  const json::value moved_report = json::parse(moved.out);
  for (const auto& a : moved_report.at("actions").as_array()) {
    unlinked =
        unlinked || (a.at("kind") == "unlink" && a.at("record_id").as_string() == customer_id &&
                     a.at("reason").as_string().find("nothing deleted") != json::string::npos);
  }
  CHECK(unlinked);
  CHECK(moved_report.at("planned_writes").to_number<std::int64_t>() == 0);
  dump = s.dump();
  CHECK(held_in(dump, "crm.contacts", customer) == 1);
  for (const char* other : kOthers) {
    CAPTURE(other);
    CHECK(held_in(dump, other, customer) == 1);
  }
  Run last = reconcile({"reconcile", "--json"}, args);
  REQUIRE_MESSAGE(last.exit_code == 0, last.err);
  CHECK(json::parse(last.out).at("planned_writes").to_number<std::int64_t>() == 0);
}

TEST_CASE("selective sync: Inventory vendors' contact persons stay out of the other products") {
  sandbox_process proc({"--people", "20", "--overlap", "0.5", "--no-limits"});
  session s(proc.port());
  TempDir dir;
  std::string text = read_file(zohosync::support::sandbox_toml());
  const std::string inventory = "[collections.inventory.contact_persons]\n";
  REQUIRE(text.find(inventory) != std::string::npos);
  text.replace(text.find(inventory), inventory.size(),
               inventory + "include = [\"contact_type = customer\"]\n");
  const fs::path config = dir.path() / "customers.toml";
  std::ofstream(config) << text;
  const auto args = sandbox_args(proc.port(), dir.sub("state"), config.string());

  auto vendor =
      s.admin_post("edit", R"({"product":"inventory","collection":"contacts","op":"create",)"
                           R"("fields":{"contact_name":"Parts Ltd","contact_type":"vendor"}})");
  REQUIRE(vendor.status < 300);
  const std::string vendor_id(json::parse(vendor.body).at("record").at("contact_id").as_string());
  const std::string supplier = "val@parts.example";
  REQUIRE(
      s.admin_post("edit", R"({"product":"inventory","collection":"contact_persons","op":"create",)"
                           R"("parent":")" +
                               vendor_id +
                               R"(","fields":{"first_name":"Val","last_name":"Endor",)"
                               R"("email":")" +
                               supplier + R"("}})")
          .status < 300);

  // And one under "New People", a customer.
  const std::string buyer = "bea@buyer.example";
  REQUIRE(
      s.admin_post("edit", R"({"product":"inventory","collection":"contact_persons","op":"create",)"
                           R"("parent":"460000000000001","fields":{"first_name":"Bea",)"
                           R"("last_name":"Buyer","email":")" +
                               buyer + R"("}})")
          .status < 300);

  Run real = reconcile({"reconcile", "--json"}, args);
  REQUIRE_MESSAGE(real.exit_code == 0, real.err);
  const json::object dump = s.dump();
  CHECK(held_in(dump, "inventory.contact_persons", supplier) == 1);
  CHECK(held_in(dump, "crm.contacts", supplier) == 0);
  CHECK(held_in(dump, "projects.contacts", supplier) == 0);
  CHECK(held_in(dump, "contracts.counterparty_contacts", supplier) == 0);
  CHECK(census(dump).duplicates().empty());
  // A customer's contact person reaches every create target as before.
  for (const char* other : kOthers) {
    if (std::string(other) == "inventory.contact_persons")
      continue;
    CAPTURE(other);
    CHECK(held_in(dump, other, buyer) == 1);
  }
  CHECK(held_in(dump, "crm.contacts", buyer) == 1);

  Run again = reconcile({"reconcile", "--json"}, args);
  REQUIRE_MESSAGE(again.exit_code == 0, again.err);
  CHECK(json::parse(again.out).at("planned_writes").to_number<std::int64_t>() == 0);
}
