// contracts.counterparty_contacts against the zoho-sandbox process: full
// listings (every status) and their request counts, create/update/delete round
// trips, an email change keeping the record's id (in our write and in the
// product's UI), per-record refusals; and the parsers on rows they cannot read.

#include <doctest/doctest.h>

#include <boost/json/serialize.hpp>

#include <algorithm>
#include <map>
#include <set>

#include "common/wire_time.hpp"
#include "connectors/contracts/contracts_connectors.hpp"
#include "connectors/contracts/contracts_json.hpp"
#include "connectors/http/http_client.hpp"
#include "connectors/limits/api_client.hpp"
#include "connectors/oauth/token_source.hpp"
#include "sandbox_stack.hpp"
#include "support.hpp"
#include "tests/sandbox/test_client.hpp"

namespace json = boost::json;
using namespace zohosync::connectors;
using namespace std::chrono_literals;
using zohosync::connectors::test::run;
using zohosync::connectors::test::SandboxStack;
using zohosync::connectors::test::text;
using zohosync::sandbox::test::sandbox_process;
using zohosync::sandbox::test::session;

namespace {

// The transport stack and one contracts.counterparty_contacts connector against a sandbox.
struct Contracts : SandboxStack {
  explicit Contracts(session& admin_in, ContractsOptions options = {})
      : SandboxStack(admin_in, Product::contracts) {
    connector = make_contracts_counterparty_contacts(*api, options);
  }

  Listing list() { return run(context, connector->list("")); }
  Record create(std::string parent, Fields fields) {
    return run(context, connector->create(std::move(parent), std::move(fields)));
  }
  Record update(std::string id, std::string parent, Fields fields) {
    return run(context, connector->update(std::move(id), std::move(parent), std::move(fields)));
  }
  void remove(std::string id, std::string parent) {
    run(context, connector->remove(std::move(id), std::move(parent)));
  }
  std::optional<Record> find(std::string email) {
    return run(context, connector->find_by_email(std::move(email)));
  }

  std::unique_ptr<Connector> connector;
};

json::array dump_users(session& admin) {
  return admin.dump().at("contracts").as_object().at("counterpartyusers").as_array();
}

std::vector<std::string> organizations(session& admin) {
  std::vector<std::string> out;
  for (const auto& org : admin.info.at("contracts").as_object().at("organizations").as_array())
    out.push_back(text(org));
  return out;
}

const Record* by_id(const Listing& listing, const std::string& id) {
  for (const Record& record : listing.records)
    if (record.id == id)
      return &record;
  return nullptr;
}

ErrorClass error_class_of(const std::function<void()>& call) {
  try {
    call();
  } catch (const ConnectorError& error) {
    return error.error_class();
  }
  FAIL("expected a ConnectorError");
  return ErrorClass::fatal;
}

Fields contact(std::string name, std::string email) {
  return {{"displayName", std::move(name)}, {"emailId", std::move(email)}};
}

}  // namespace

TEST_CASE("contracts.counterparty_contacts: a full listing holds every contact of every status") {
  sandbox_process proc({"--people", "200", "--seed", "5", "--no-limits"});
  session admin(proc.port());
  Contracts contracts(admin);
  const auto orgs = organizations(admin);
  const auto before = contracts.calls();
  const Listing listing = contracts.list();
  const auto spent = contracts.calls() - before;

  CHECK(listing.full);
  CHECK(listing.complete);
  const auto stored = dump_users(admin);
  // One email in two counterparties (the generator's duplicates) is two
  // contacts with two ids: both are listed, the engine decides.
  std::set<std::string> emails;
  for (const auto& row : stored)
    emails.insert(text(row.at("emailId")));
  CHECK(emails.size() < stored.size());  // the seed holds such a duplicate
  REQUIRE(listing.records.size() == stored.size());
  bool stopped_seen = false;
  for (const auto& row : stored) {
    const auto& user = row.as_object();
    const Record* record = by_id(listing, text(user.at("id")));
    REQUIRE(record != nullptr);
    CHECK(record->parent_id == text(user.at("organizationApiName")));
    CHECK(record->fields == contact(text(user.at("displayName")), text(user.at("emailId"))));
    CHECK(record->modified_ms > 0);
    CHECK(record->created_ms > 0);
    CHECK(record->created_ms <= record->modified_ms);
    stopped_seen = stopped_seen || user.at("status") == "stopped-processing";
  }
  CHECK(stopped_seen);  // status=all: contacts that stopped processing are people too
  CHECK(spent == static_cast<std::int64_t>(1 + orgs.size()));

  const auto again = contracts.calls();
  CHECK(contracts.list().records.size() == listing.records.size());
  CHECK(contracts.calls() - again == spent);
  MESSAGE("contracts.counterparty_contacts no-change listing: "
          << listing.records.size() << " contacts, " << orgs.size() << " counterparties, " << spent
          << " requests");

  // Named counterparties: only theirs, and no counterparty list.
  ContractsOptions two;
  two.organizations = {orgs.at(0), orgs.at(1)};
  Contracts chosen(admin, two);
  const auto chosen_before = chosen.calls();
  const Listing subset = chosen.list();
  CHECK(chosen.calls() - chosen_before == 2);
  for (const Record& record : subset.records)
    CHECK((record.parent_id == orgs[0] || record.parent_id == orgs[1]));
}

TEST_CASE("contracts.counterparty_contacts: create, update, email change keeps the id, delete") {
  sandbox_process proc({"--people", "60", "--no-limits"});
  session admin(proc.port());
  Contracts contracts(admin);
  const std::string org = organizations(admin).at(0);

  const Record created = contracts.create(org, contact("Ian Walker", "ian.walker@abc.example"));
  CHECK_FALSE(created.id.empty());
  CHECK(created.id.find('@') == std::string::npos);  // the contact's id, not its email
  CHECK(created.parent_id == org);
  CHECK(created.fields == contact("Ian Walker", "ian.walker@abc.example"));
  CHECK(created.modified_ms > 0);
  {
    const Listing listing = contracts.list();
    const Record* listed = by_id(listing, created.id);
    REQUIRE(listed != nullptr);
    CHECK(listed->fields == created.fields);
    CHECK(listed->modified_ms == created.modified_ms);  // our own write, recognisable
  }

  REQUIRE(admin.admin_post("clock", R"({"advance":60})").status == 200);
  const Record renamed = contracts.update(created.id, org, {{"displayName", "Ian W."}});
  CHECK(renamed.id == created.id);
  CHECK(renamed.fields == contact("Ian W.", "ian.walker@abc.example"));
  CHECK(renamed.modified_ms > created.modified_ms);

  // The email is only the URL key: changing it keeps the contact's id.
  const Record moved = contracts.update(created.id, org, {{"emailId", "ian@abc.example"}});
  CHECK(moved.id == created.id);
  CHECK(moved.parent_id == org);
  CHECK(moved.fields == contact("Ian W.", "ian@abc.example"));
  {
    const Listing listing = contracts.list();
    REQUIRE(by_id(listing, created.id) != nullptr);
    CHECK(by_id(listing, created.id)->fields == moved.fields);
  }

  // Edited in Contracts' UI: the next listing shows the same id with the new
  // email, and a write by id reaches it (a connector that has not listed
  // since, a new process, too: one read of the counterparty finds it).
  REQUIRE(admin
              .admin_post("edit", R"({"product":"contracts","collection":"counterpartyusers",)"
                                  R"("op":"update","id":")" +
                                      created.id + R"(","fields":{"emailId":"iw@abc.example"}})")
              .status < 300);
  {
    const Listing listing = contracts.list();
    REQUIRE(by_id(listing, created.id) != nullptr);
    CHECK(by_id(listing, created.id)->fields.at("emailId") == "iw@abc.example");
  }
  {
    Contracts restarted(admin);
    const Record edited = restarted.update(created.id, org, {{"displayName", "Ian UI"}});
    CHECK(edited.id == created.id);
    CHECK(edited.fields == contact("Ian UI", "iw@abc.example"));
  }
  // Moved in the UI since this connector's last answer: the write's 404 makes
  // it read the counterparty again and retry at the new address.
  REQUIRE(admin
              .admin_post("edit", R"({"product":"contracts","collection":"counterpartyusers",)"
                                  R"("op":"update","id":")" +
                                      created.id + R"(","fields":{"emailId":"ian@abc.example"}})")
              .status < 300);
  CHECK(contracts.update(created.id, org, {{"displayName", "Ian W."}}).fields ==
        contact("Ian W.", "ian@abc.example"));
  // An id holding an '@' is a key from before contacts were keyed by id.
  const Record legacy = contracts.update("ian@abc.example", org, {{"displayName", "Ian L."}});
  CHECK(legacy.id == created.id);
  CHECK(legacy.fields == contact("Ian L.", "ian@abc.example"));

  auto found = contracts.find(" IAN@abc.example");
  REQUIRE(found.has_value());
  CHECK(found->id == created.id);
  CHECK(found->parent_id == org);
  // Without the parent the connector finds the counterparty itself.
  Contracts fresh(admin);
  CHECK(fresh.update(created.id, "", {{"displayName", "Ian Walker"}}).fields ==
        contact("Ian Walker", "ian@abc.example"));

  contracts.remove(created.id, org);
  CHECK(!contracts.find("ian@abc.example").has_value());
  contracts.remove(created.id, org);  // already gone: still a success
  contracts.remove(created.id, "");
  CHECK(error_class_of([&] {
          contracts.update(created.id, org, {{"displayName", "Gone"}});
        }) == ErrorClass::per_record);

  ContractsOptions with_default;
  with_default.default_counterparty = org;
  Contracts defaulted(admin, with_default);
  CHECK(defaulted.create("", contact("Dee Fault", "dee@abc.example")).parent_id == org);
  CHECK(error_class_of([&] { contracts.create("", contact("No Org", "no@abc.example")); }) ==
        ErrorClass::configuration);
}

TEST_CASE("contracts.counterparty_contacts: refusals are per record") {
  sandbox_process proc({"--people", "40", "--no-limits"});
  session admin(proc.port());
  Contracts contracts(admin);
  const std::string org = organizations(admin).at(0);

  contracts.create(org, contact("Ann", "ann@dup.example"));
  const Record bob = contracts.create(org, contact("Bob", "bob@dup.example"));
  CHECK(error_class_of([&] { contracts.create(org, contact("Ann 2", "ANN@dup.example")); }) ==
        ErrorClass::per_record);  // 409 DUPLICATE_DATA
  CHECK(error_class_of([&] {
          contracts.update(bob.id, org, {{"emailId", "ann@dup.example"}});
        }) == ErrorClass::per_record);
  CHECK(error_class_of([&] {
          contracts.create(org, contact(std::string(101, 'x'), "long@dup.example"));
        }) == ErrorClass::per_record);
  CHECK(error_class_of([&] { contracts.create(org, contact("No Email", "")); }) ==
        ErrorClass::per_record);
  CHECK(contracts.find("bob@dup.example")->fields == contact("Bob", "bob@dup.example"));

  // An unknown counterparty is the user's to fix.
  ContractsOptions wrong;
  wrong.organizations = {"NoSuchOrganization"};
  Contracts misconfigured(admin, wrong);
  CHECK(error_class_of([&] { misconfigured.list(); }) == ErrorClass::configuration);
}

TEST_CASE("contracts.counterparty_contacts: parsers skip unreadable rows, times with offsets") {
  const auto contacts = contracts_json::parse_contacts(
      R"({"counterpartyusers":[)"
      R"({"id":"1","name":"Ann Lee","emailId":"ann@x.example","status":"active",)"
      R"("addedTime":"2024-01-02T03:04:05+00:00","modifiedTime":"2024-01-02T08:34:05+05:30"},)"
      R"({"id":"2","displayName":"No Email"},)"
      R"({"displayName":"No Id","emailId":"noid@x.example"},)"
      R"({"id":4000000000123,"displayName":"Bo","emailId":"bo@x.example",)"
      R"("organizationApiName":"Other"}]})",
      "Acme");
  REQUIRE(contacts.records.size() == 2);
  REQUIRE(contacts.skipped.size() == 2);  // no email; no id (its identity)
  CHECK(contacts.skipped[0].error_class() == ErrorClass::per_record);
  CHECK(contacts.records[0].id == "1");
  CHECK(contacts.records[1].id == "4000000000123");  // an id printed as a number
  CHECK(contacts.records[0].parent_id == "Acme");
  CHECK(contacts.records[0].fields.at("displayName") == "Ann Lee");  // the list's "name"
  CHECK(contacts.records[0].created_ms == 1704164645000);
  CHECK(contacts.records[0].modified_ms == 1704164645000);  // same instant, another offset
  CHECK(contacts.records[1].parent_id == "Other");
  CHECK(contracts_json::parse_time_ms("2024-01-02T03:04:05.250Z") == 1704164645250);
  CHECK(contracts_json::parse_time_ms("2024-01-02T03:04:05-0100") == 1704168245000);
  CHECK(!contracts_json::parse_time_ms("yesterday").has_value());
  CHECK(zohosync::common::parse_http_date_ms("Tue, 02 Jan 2024 03:04:05 GMT") == 1704164645000);
  CHECK(!zohosync::common::parse_http_date_ms("2024-01-02T03:04:05Z").has_value());
  CHECK_THROWS_AS(contracts_json::parse_contacts("not json", "Acme"), ConnectorError);
  CHECK(contracts_json::parse_write_answer(R"({"Type":"success","emailId":"n@x.example"})") ==
        "n@x.example");
}

// Figures for the notes (10,000 generated people); run with --no-skip.
TEST_CASE("contracts.counterparty_contacts: request counts over 10k people" * doctest::skip()) {
  sandbox_process proc({"--people", "10000", "--no-limits"});
  session admin(proc.port());
  Contracts contracts(admin);
  auto before = contracts.calls();
  const Listing listing = contracts.list();
  const auto listing_cost = contracts.calls() - before;
  // A 1% change cycle: the same full listing plus an update and its read-back per change.
  const std::size_t changes = listing.records.size() / 100;
  before = contracts.calls();
  for (std::size_t i = 0; i < changes; ++i) {
    const Record& r = listing.records[i * 100];
    contracts.update(r.id, r.parent_id, {{"displayName", r.fields.at("displayName") + "x"}});
  }
  const auto write_cost = contracts.calls() - before;
  MESSAGE("10k people: " << listing.records.size() << " Contracts contacts in "
                         << organizations(admin).size() << " counterparties; no-change cycle "
                         << listing_cost << " requests; 1% change cycle " << listing_cost << " + "
                         << write_cost << " = " << listing_cost + write_cost << " requests");
}

namespace {

// A daemon's contracts.counterparty_contacts: slices sized by a small request
// budget (a burst of 4, then 10 a second).
struct SlicedContracts : SandboxStack {
  explicit SlicedContracts(session& admin_in)
      : SandboxStack(admin_in, Product::contracts, [](ApiClientOptions& options) {
          options.rate = {10.0, 4.0};
        }) {
    ContractsOptions options;
    options.sliced_listings = true;
    options.default_counterparty = "NewPeople";
    connector = make_contracts_counterparty_contacts(*api, options);
  }
  Listing list(std::string since) { return run(context, connector->list(std::move(since))); }
  std::optional<Record> find(std::string email) {
    return run(context, connector->find_by_email(std::move(email)));
  }
  std::unique_ptr<Connector> connector;
};

}  // namespace

TEST_CASE(
    "contracts.counterparty_contacts: a daemon's listings read the counterparties in "
    "budget-sized slices, each whole, a pass over them all in turn") {
  sandbox_process proc({"--people", "200", "--seed", "4", "--no-limits"});
  session admin(proc.port());
  const std::size_t counterparties = organizations(admin).size();
  REQUIRE(counterparties > 10);
  const std::size_t contacts = dump_users(admin).size();
  SlicedContracts contracts(admin);

  SUBCASE("the first listing of all (no cursor) reads every counterparty, as a full listing") {
    const Listing first = contracts.list("");
    CHECK(first.full);
    CHECK(first.records.size() == contacts);
    CHECK(first.cursor == "full");
    CHECK(first.complete_parents.empty());
  }

  SUBCASE("after a pass, the next ones go slice by slice until every counterparty was read") {
    std::set<std::string> read;
    std::size_t records = 0, slices = 0;
    std::string cursor = "full";
    do {
      REQUIRE(slices <= counterparties);
      contracts.clock.advance(300ms);  // a poll later: 3 more requests in the budget
      const Listing slice = contracts.list(cursor);
      ++slices;
      CHECK_FALSE(slice.full);
      CHECK(slice.complete);
      for (const Record& record : slice.records) {
        CHECK(std::find(slice.complete_parents.begin(), slice.complete_parents.end(),
                        record.parent_id) != slice.complete_parents.end());
      }
      for (const std::string& organization : slice.complete_parents)
        CHECK(read.insert(organization).second);  // each counterparty once a pass
      records += slice.records.size();
      cursor = slice.cursor;
    } while (cursor != "full");
    CHECK(slices > 2);
    CHECK(read.size() == counterparties);
    CHECK(records == contacts);

    // The pass ended: an email nobody holds costs no request at all, one the
    // index names costs one.
    const std::int64_t before = contracts.calls();
    CHECK_FALSE(contracts.find("nobody.here@nowhere.example").has_value());
    CHECK(contracts.calls() == before);
    const std::string known = text(dump_users(admin).at(0).at("emailId"));
    contracts.clock.advance(1s);
    const auto found = contracts.find(known);
    REQUIRE(found.has_value());
    CHECK(contracts.calls() == before + 1);
  }

  SUBCASE("a restarted daemon goes on where the pass stopped") {
    contracts.clock.advance(1s);
    const Listing first = contracts.list("full");
    REQUIRE(first.cursor.rfind("pass:", 0) == 0);
    const std::string next = first.cursor.substr(5);
    SlicedContracts restarted(admin);
    const Listing resumed = restarted.list(first.cursor);
    REQUIRE_FALSE(resumed.complete_parents.empty());
    CHECK(resumed.complete_parents.front() == next);
  }
}
