// Odd names and emails end to end: `zohosync reconcile` against a real
// zoho-sandbox process in which people were stored (through the sandbox's
// UI-style edit) with emoji, RTL text, quotes, backslashes and newlines in
// their names, plus-tags, a trailing dot, mixed case and an invalid email.
// After one run every odd name is in every product byte for byte, the
// invalid email is skipped with its reason in --json, no product holds an
// email twice, and a second run plans nothing.
#include <doctest/doctest.h>

#include <boost/json.hpp>
#include <string>

#include "tests/sandbox/test_client.hpp"
#include "tests/support/census.hpp"
#include "tests/support/run_zohosync.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

namespace json = boost::json;
using zohosync::sandbox::test::sandbox_process;
using zohosync::sandbox::test::session;
using zohosync::support::census;
using zohosync::support::create_collections;
using zohosync::support::Run;
using zohosync::support::TempDir;

Run reconcile(std::uint16_t port, const std::string& state_dir) {
  std::vector<std::string> args{"reconcile", "--json"};
  for (std::string& arg : zohosync::support::sandbox_args(port, state_dir))
    args.push_back(std::move(arg));
  return zohosync::support::run_zohosync(args);
}

void edit(session& s, const std::string& product, const std::string& collection,
          const std::string& parent, json::object fields) {
  json::object body{{"product", product},
                    {"collection", collection},
                    {"op", "create"},
                    {"fields", std::move(fields)}};
  if (!parent.empty())
    body["parent"] = parent;
  auto reply = s.admin_post("edit", json::serialize(body));
  REQUIRE_MESSAGE(reply.status < 300, reply.body);
}

bool has_row(const json::array& rows, const char* key, const std::string& value) {
  for (const auto& row : rows) {
    const auto* v = row.as_object().if_contains(key);
    if (v != nullptr && v->is_string() && v->as_string() == value)
      return true;
  }
  return false;
}

}  // namespace

TEST_CASE("sandbox: odd names and emails propagate or are skipped as defined, never duplicated") {
  sandbox_process proc({"--people", "4", "--overlap", "1", "--no-limits"});
  session s(proc.port());
  TempDir dir;
  const std::string state_dir = dir.sub("state");
  Run settle = reconcile(proc.port(), state_dir);
  REQUIRE_MESSAGE(settle.exit_code == 0, settle.err);

  const std::string odd = "O'Brien \"Bob\" \\ \xF0\x9F\x98\x80 \xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D";
  const std::string two_lines = "Mary\nAnn";
  const std::string control = std::string(
      "Nul\0Bell\x07"
      "End",
      12);
  const std::string client = "170876000000000001";
  edit(s, "crm", "contacts", "",
       {{"First_Name", odd}, {"Last_Name", "Lee"}, {"Email", "Odd.Name@Example.com"}});
  edit(s, "crm", "contacts", "",
       {{"First_Name", two_lines}, {"Last_Name", "Lines"}, {"Email", "two.lines@example.com"}});
  edit(s, "crm", "contacts", "",
       {{"First_Name", "Ctl"}, {"Last_Name", control}, {"Email", "control@example.com"}});
  edit(s, "crm", "contacts", "", {{"Last_Name", "Invalid"}, {"Email", "no-at.example.com"}});
  edit(s, "crm", "contacts", "",
       {{"First_Name", "Tag"}, {"Last_Name", "Ged"}, {"Email", "plus+tag@example.com"}});
  edit(s, "projects", "contacts", client,
       {{"first_name", "Un"}, {"last_name", "Tagged"}, {"email", "plus@example.com"}});
  // One person stored two ways: a trailing dot and other case in CRM.
  edit(s, "projects", "contacts", client,
       {{"first_name", "Dot"}, {"last_name", "Ted"}, {"email", "dot.ted@example.com"}});
  edit(s, "crm", "contacts", "",
       {{"First_Name", "Dot"}, {"Last_Name", "Ted"}, {"Email", "DOT.Ted@Example.com."}});

  Run run = reconcile(proc.port(), state_dir);
  const std::string output = run.err + run.out;
  REQUIRE_MESSAGE(run.exit_code == 0, output);
  const json::object report = json::parse(run.out).as_object();
  CHECK(report.at("failed").to_number<std::int64_t>() == 0);
  bool invalid_skipped = false;
  for (const auto& a : report.at("actions").as_array()) {
    const auto& action = a.as_object();
    if (action.at("kind") == "skip" && action.at("collection") == "crm.contacts" &&
        action.at("reason").as_string().find("'no-at.example.com' has no '@'") !=
            json::string::npos) {
      invalid_skipped = true;
    }
  }
  CHECK(invalid_skipped);

  const json::object dump = s.dump();
  const auto emails = census(dump);
  for (const std::string& collection : create_collections()) {
    for (const auto& [email, count] : emails.by_collection.at(collection)) {
      const std::string where = collection + " holds " + email;
      CHECK_MESSAGE(count == 1, where);
    }
  }
  // Every valid person is in every product; the invalid one only where it was typed.
  for (const char* email : {"odd.name@example.com", "two.lines@example.com", "control@example.com",
                            "plus+tag@example.com", "plus@example.com", "dot.ted@example.com"}) {
    for (const std::string& collection : create_collections()) {
      const std::string where = collection + " lacks " + email;
      CHECK_MESSAGE(emails.count(collection, email) == 1, where);
    }
  }
  for (const char* collection :
       {"inventory.contact_persons", "projects.contacts", "contracts.counterparty_contacts"})
    CHECK(emails.count(collection, "no-at.example.com") == 0);

  // The odd names arrived byte for byte (Contracts' one-line name: spaces).
  CHECK(has_row(dump.at("inventory").at("contact_persons").as_array(), "first_name", odd));
  CHECK(has_row(dump.at("projects").at("contacts").as_array(), "first_name", odd));
  CHECK(has_row(dump.at("contracts").at("counterpartyusers").as_array(), "displayName",
                odd + " Lee"));
  CHECK(has_row(dump.at("inventory").at("contact_persons").as_array(), "first_name", two_lines));
  CHECK(has_row(dump.at("projects").at("contacts").as_array(), "first_name", two_lines));
  CHECK(has_row(dump.at("contracts").at("counterpartyusers").as_array(), "displayName",
                "Mary Ann Lines"));
  CHECK(has_row(dump.at("inventory").at("contact_persons").as_array(), "last_name", control));
  CHECK(has_row(dump.at("projects").at("contacts").as_array(), "last_name", control));
  CHECK(has_row(dump.at("contracts").at("counterpartyusers").as_array(), "displayName",
                "Ctl " + control));

  // Nothing odd churns: the next run plans no write.
  Run again = reconcile(proc.port(), state_dir);
  REQUIRE_MESSAGE(again.exit_code == 0, again.err);
  CHECK(json::parse(again.out).at("planned_writes").to_number<std::int64_t>() == 0);
}
