// crm.contacts and the contact-role sync against the zoho-sandbox process:
// paging past 2,000 records, incremental lists with overlap, 304, deletes,
// write round trips, a 207 with one bad record, batching of concurrent
// writes, search by email, and the API calls a no-change cycle costs.

#include <doctest/doctest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <set>

#include "common/wire_time.hpp"
#include "connectors/crm/contact_role_sync.hpp"
#include "connectors/crm/crm_connectors.hpp"
#include "connectors/crm/crm_contacts_connector.hpp"
#include "connectors/crm/crm_json.hpp"
#include "connectors/http/http_client.hpp"
#include "connectors/limits/api_client.hpp"
#include "connectors/oauth/token_source.hpp"
#include "sandbox_stack.hpp"
#include "support.hpp"
#include "tests/sandbox/test_client.hpp"

namespace asio = boost::asio;
using namespace zohosync::connectors;
using namespace std::chrono_literals;
using zohosync::connectors::test::run;
using zohosync::connectors::test::SandboxStack;
using zohosync::sandbox::test::sandbox_process;
using zohosync::sandbox::test::session;

namespace {

// The CRM stack pointed at one sandbox.
struct Stack : SandboxStack {
  explicit Stack(session& admin_in, CrmContactsOptions options = {})
      : SandboxStack(admin_in, Product::crm, [](ApiClientOptions& api_options) {
          api_options.retry.base_delay = std::chrono::milliseconds(20);
          api_options.retry.max_delay = std::chrono::milliseconds(200);
          api_options.random_seed = 5;
        }) {
    contacts = std::make_unique<CrmContactsConnector>(*api, options);
    run(context, tokens->token());  // the token call is not a CRM call
  }

  void advance_sandbox_clock(int seconds) {
    REQUIRE(admin.admin_post("clock", "{\"advance\":" + std::to_string(seconds) + "}").status ==
            200);
  }
  std::string ui_edit(const std::string& body) {
    const auto reply = admin.admin_post("edit", body);
    REQUIRE(reply.status == 200);
    const auto object = reply.obj();
    if (const auto* id = object.if_contains("id"); id && id->is_string())
      return std::string(id->as_string());
    return {};
  }

  std::unique_ptr<CrmContactsConnector> contacts;
};

std::size_t sandbox_crm_count(session& admin) {
  return admin.dump().at("crm").as_object().at("contacts").as_array().size();
}

bool has_id(const Listing& listing, const std::string& id) {
  for (const auto& record : listing.records)
    if (record.id == id)
      return true;
  return false;
}

}  // namespace

TEST_CASE("crm json: times with offsets, HTTP dates, a page with one bad row") {
  CHECK(crm::parse_time_ms("2019-07-25T15:26:49+05:30") ==
        crm::parse_time_ms("2019-07-25T09:56:49Z"));
  CHECK(crm::parse_time_ms("2019-07-25T09:56:49+00:00") == 1564048609000);
  CHECK_FALSE(crm::parse_time_ms("2019-07-25T09:56:49").has_value());
  CHECK(crm::format_time(1564048609999) == "2019-07-25T09:56:49+00:00");
  CHECK(zohosync::common::parse_http_date_ms("Thu, 25 Jul 2019 09:56:49 GMT") == 1564048609000);
  const auto page = crm::parse_record_page(
      R"({"data":[{"id":123,"Email":"a@x.io","Phone":null,"Last_Name":"A",)"
      R"("Modified_Time":"2019-07-25T09:56:49+00:00","Owner":{"id":"1"}},{"Email":"no-id"}],)"
      R"("info":{"more_records":true,"next_page_token":"tok"}})");
  REQUIRE(page.records.size() == 1);
  CHECK(page.records[0].id == "123");
  // null is blank (""), a field the answer leaves out is absent (unknown).
  CHECK(page.records[0].fields == Fields{{"Email", "a@x.io"}, {"Last_Name", "A"}, {"Phone", ""}});
  CHECK(page.records[0].modified_ms == 1564048609000);
  CHECK(page.skipped.size() == 1);
  CHECK(page.skipped[0].error_class() == ErrorClass::per_record);
  CHECK(page.more_records);
  CHECK(page.next_page_token == "tok");
  CHECK_THROWS_AS(crm::parse_record_page("{\"data\":["), ConnectorError);
}

TEST_CASE("crm json: the fields include rules name are asked for and read as text") {
  const std::vector<std::string> extra = {"Contact_Type", "Account_Name", "Tag",
                                          "Regions",      "Email",        "Tier"};
  // Person fields and the times are asked for once, whatever the rules name.
  CHECK(crm::fields_param(extra) ==
        "First_Name,Last_Name,Email,Phone,Mobile,Salutation,Title,Department,Skype_ID,"
        "Contact_Type,Account_Name,Tag,Regions,Tier,Modified_Time,Created_Time");
  const auto page = crm::parse_record_page(
      R"({"data":[{"id":"7","Email":"a@x.io","Contact_Type":"Customer",)"
      R"("Account_Name":{"name":"Acme","id":"55"},"Tag":[{"name":"VIP","id":"1"},{"name":"Gold"}],)"
      R"("Regions":["North","South"],"Tier":null,"Owner":{"id":"1"}}]})",
      extra);
  REQUIRE(page.records.size() == 1);
  const Fields& fields = page.records[0].fields;
  CHECK(fields.at("Contact_Type") == "Customer");
  CHECK(fields.at("Account_Name") == "Acme");
  CHECK(fields.at("Tag") == "VIP\nGold");
  CHECK(fields.at("Regions") == "North\nSouth");
  CHECK(fields.at("Tier").empty());
  CHECK(fields.count("Owner") == 0);  // not asked for
}

TEST_CASE("crm.contacts: a full listing pages past 2,000 records with page_token") {
  sandbox_process proc({"--people", "2600", "--seed", "4", "--no-limits"});
  session admin(proc.port());
  Stack stack(admin);
  const std::size_t total = sandbox_crm_count(admin);
  REQUIRE(total > 2000);  // the last pages need page_token
  const auto before = stack.calls();
  const Listing listing = run(stack.context, stack.contacts->list(""));
  CHECK(listing.full);
  CHECK(listing.complete);
  CHECK(listing.deleted.empty());
  CHECK(listing.records.size() == total);
  std::set<std::string> ids;
  for (const auto& record : listing.records) {
    ids.insert(record.id);
    CHECK(record.modified_ms > 0);
  }
  CHECK(ids.size() == total);
  // 200 per page, no extra calls (a full listing needs no /deleted call).
  CHECK(stack.calls() - before == static_cast<std::int64_t>((total + 199) / 200));
  CHECK_FALSE(listing.cursor.empty());
}

TEST_CASE("crm.contacts: incremental lists with overlap, 304, deletes, and their call count") {
  sandbox_process proc({"--people", "40", "--seed", "5", "--no-limits"});
  session admin(proc.port());
  Stack stack(admin);
  const Listing full = run(stack.context, stack.contacts->list(""));
  REQUIRE(full.records.size() > 3);
  const std::string edited = full.records[0].id;
  const std::string gone = full.records[1].id;

  SUBCASE("an edit in the same second as the cursor is not lost") {
    // No clock movement: the edit carries the very second the cursor names.
    stack.ui_edit(R"({"product":"crm","op":"update","id":")" + edited +
                  R"(","fields":{"Title":"Same Second"}})");
    const Listing next = run(stack.context, stack.contacts->list(full.cursor));
    CHECK_FALSE(next.full);
    REQUIRE(has_id(next, edited));
    for (const auto& record : next.records)
      if (record.id == edited)
        CHECK(record.fields.at("Title") == "Same Second");

    // Without the overlap the same edit would have been missed.
    CrmContactsOptions no_overlap;
    no_overlap.overlap = 0s;
    CrmContactsConnector bare(*stack.api, no_overlap);
    const Listing missed = run(stack.context, bare.list(full.cursor));
    CHECK_FALSE(has_id(missed, edited));
  }

  SUBCASE("no change: 304 in two calls (list + deleted); deletes are listed") {
    stack.advance_sandbox_clock(600);  // past the overlap window
    const Listing quiet_first = run(stack.context, stack.contacts->list(full.cursor));
    // The window still held the seed's writes? Then list once more from the new cursor.
    stack.advance_sandbox_clock(600);
    const auto before = stack.calls();
    const Listing quiet = run(stack.context, stack.contacts->list(quiet_first.cursor));
    CHECK(quiet.records.empty());
    CHECK(quiet.deleted.empty());
    CHECK(quiet.complete);
    CHECK(stack.calls() - before == 2);
    MESSAGE("no-change incremental list: " << stack.calls() - before << " CRM calls");

    CrmContactsOptions skip_deleted;
    skip_deleted.list_deleted = false;
    CrmContactsConnector lean(*stack.api, skip_deleted);
    const auto lean_before = stack.calls();
    run(stack.context, lean.list(quiet.cursor));
    CHECK(stack.calls() - lean_before == 1);

    stack.advance_sandbox_clock(60);
    stack.ui_edit(R"({"product":"crm","op":"delete","id":")" + gone + "\"}");
    const Listing after_delete = run(stack.context, stack.contacts->list(quiet.cursor));
    CHECK(after_delete.records.empty());
    CHECK(after_delete.deleted == std::vector<std::string>{gone});
  }
}

TEST_CASE("crm.contacts: create, find, update, delete round trip") {
  sandbox_process proc(
      {"--people", "10", "--seed", "6", "--no-limits", "--quirks", "crm:lowercase_email"});
  session admin(proc.port());
  Stack stack(admin);
  auto& crm = *stack.contacts;

  Fields fields{{"First_Name", "Ada"}, {"Last_Name", "Lovelace"}, {"Email", "Ada.L@Example.com"}};
  const Record created = run(stack.context, crm.create("", fields));
  CHECK_FALSE(created.id.empty());
  CHECK(created.modified_ms > 0);
  CHECK(created.fields.at("Email") == "ada.l@example.com");  // what CRM stored, not what we sent
  CHECK(created.fields.at("Last_Name") == "Lovelace");

  // A retried create (same email) updates the same record instead of duplicating.
  const Record again = run(stack.context, crm.create("", fields));
  CHECK(again.id == created.id);

  const auto found = run(stack.context, crm.find_by_email("  ADA.l@example.COM "));
  REQUIRE(found.has_value());
  CHECK(found->id == created.id);

  Fields change{{"Title", "Analyst"}, {"Email", "ada@example.org"}};
  const Record updated = run(stack.context, crm.update(created.id, "", change));
  CHECK(updated.id == created.id);
  CHECK(updated.fields.at("Title") == "Analyst");
  CHECK(updated.fields.at("Email") == "ada@example.org");
  CHECK(updated.fields.at("First_Name") == "Ada");
  CHECK(updated.modified_ms >= created.modified_ms);

  run(stack.context, crm.remove(created.id, ""));
  run(stack.context, crm.remove(created.id, ""));  // already gone: still success
  CHECK_FALSE(run(stack.context, crm.find_by_email("ada@example.org")).has_value());
}

TEST_CASE("crm.contacts: a 207 fails only the bad record, concurrent writes share one call") {
  sandbox_process proc({"--people", "10", "--seed", "7", "--no-limits"});
  session admin(proc.port());
  Stack stack(admin);
  auto& crm = *stack.contacts;

  SUBCASE("create_many with one record lacking Last_Name") {
    std::vector<Fields> batch{{{"Last_Name", "One"}, {"Email", "one@example.com"}},
                              {{"First_Name", "NoLast"}, {"Email", "two@example.com"}},
                              {{"Last_Name", "Three"}, {"Email", "three@example.com"}}};
    const auto outcomes = run(stack.context, crm.create_many(std::move(batch)));
    REQUIRE(outcomes.size() == 3);
    CHECK(outcomes[0].value.has_value());
    CHECK(outcomes[2].value.has_value());
    REQUIRE(outcomes[1].error);
    try {
      std::rethrow_exception(outcomes[1].error);
    } catch (const ConnectorError& error) {
      CHECK(error.error_class() == ErrorClass::per_record);
      CHECK(error.product_code() == "MANDATORY_NOT_FOUND");
    }
    CHECK(crm.write_calls() == 1);
  }

  SUBCASE("per-record creates in one turn are coalesced into one upsert") {
    const auto before = stack.calls();
    int ok = 0, refused = 0;
    for (int i = 0; i < 20; ++i) {
      Fields fields{{"Last_Name", "Batch" + std::to_string(i)},
                    {"Email", "batch" + std::to_string(i) + "@example.com"}};
      if (i == 7)
        fields["Email"] = "not-an-email";
      asio::co_spawn(stack.context, crm.create("", std::move(fields)),
                     [&](std::exception_ptr error, Record) { (error ? refused : ok)++; });
    }
    stack.context.restart();
    stack.context.run();
    CHECK(ok == 19);
    CHECK(refused == 1);
    CHECK(crm.write_calls() == 1);
    CHECK(stack.calls() - before == 2);  // one upsert + one read-back by ids
  }
}

TEST_CASE("crm contact roles: create missing, keep existing, duplicates are success") {
  sandbox_process proc({"--people", "5", "--seed", "8", "--no-limits"});
  session admin(proc.port());
  Stack stack(admin);
  auto roles_now = [&] {
    const auto reply = admin.client.get("/crm/v8/Contacts/roles", admin.auth());
    std::map<std::string, std::int64_t> out;
    if (reply.status == 200)
      for (const auto& role : crm::parse_roles(reply.body))
        out[role.name] = role.sequence_number;
    return out;
  };
  const auto before = roles_now();
  REQUIRE_FALSE(before.empty());
  const std::string existing = before.begin()->first;
  std::string shouted = "  " + existing + " ";
  for (auto& c : shouted)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));

  ContactRoleSync sync(*stack.api);
  const auto report =
      run(stack.context, sync.sync({shouted, "Data Steward", "data steward"}, false));
  CHECK(report.created == std::vector<std::string>{"Data Steward"});
  CHECK(report.present == std::vector<std::string>{shouted.substr(2, existing.size())});
  CHECK(report.failures.empty());
  CHECK(report.deleted.empty());
  CHECK(report.unused.size() == before.size() - 1);
  const auto after = roles_now();
  for (const auto& [name, sequence] : before)
    CHECK(after.at(name) == sequence);  // existing roles keep their place
  CHECK(after.at("Data Steward") > before.rbegin()->second - 1);

  SUBCASE("two syncs racing: the loser's DUPLICATE_DATA counts as present") {
    ContactRoleSync other(*stack.api);
    RoleSyncReport a, b;
    asio::co_spawn(stack.context, sync.sync({"Racer"}, false),
                   [&](std::exception_ptr e, RoleSyncReport r) {
                     REQUIRE_FALSE(e);
                     a = std::move(r);
                   });
    asio::co_spawn(stack.context, other.sync({"Racer"}, false),
                   [&](std::exception_ptr e, RoleSyncReport r) {
                     REQUIRE_FALSE(e);
                     b = std::move(r);
                   });
    stack.context.restart();
    stack.context.run();
    CHECK(a.failures.empty());
    CHECK(b.failures.empty());
    CHECK(a.created.size() + b.created.size() == 1);
    CHECK(a.present.size() + b.present.size() == 1);
  }
  SUBCASE("delete_unused removes only roles nobody uses") {
    const auto cleaned = run(stack.context, sync.sync({existing, "Data Steward"}, true));
    CHECK(cleaned.deleted.size() == before.size() - 1);
    CHECK(roles_now().size() == 2);
  }
}
