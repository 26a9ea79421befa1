// The Inventory connectors against the zoho-sandbox process: paging
// boundaries, incremental listing by contact last_modified_time, deletes under
// a re-read contact, the scheduled full scan, write round trips, per-record
// refusals, users, and what a no-change cycle costs in API calls.

#include <doctest/doctest.h>

#include <boost/json/serialize.hpp>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <set>

#include "common/wire_time.hpp"
#include "connectors/http/http_client.hpp"
#include "connectors/inventory/inventory_connectors.hpp"
#include "connectors/inventory/inventory_cursor.hpp"
#include "connectors/inventory/inventory_json.hpp"
#include "connectors/limits/api_client.hpp"
#include "connectors/oauth/token_source.hpp"
#include "sandbox_stack.hpp"
#include "support.hpp"
#include "tests/sandbox/test_client.hpp"

namespace json = boost::json;
using namespace zohosync::connectors;
using namespace std::chrono_literals;
using zohosync::connectors::inventory::decode_cursor;
using zohosync::connectors::inventory::encode_cursor;
using zohosync::connectors::test::run;
using zohosync::connectors::test::SandboxStack;
using zohosync::connectors::test::text;
using zohosync::sandbox::test::sandbox_process;
using zohosync::sandbox::test::session;

namespace {

// The transport stack and both Inventory collections pointed at one sandbox.
struct Inventory : SandboxStack {
  // `rate`: the request budget (default: none to speak of).
  explicit Inventory(session& admin_in, RateLimit rate = {10000.0, 10000.0})
      : SandboxStack(admin_in, Product::inventory,
                     [rate](ApiClientOptions& options) { options.rate = rate; }) {
    organization_id = text(admin.info.at("inventory").at("organization_id"));
  }

  // Time passes for both Inventory (the sandbox's clock, its answers'
  // Date) and us (the connector's clock).
  void advance_both(std::chrono::seconds by) {
    REQUIRE(admin.admin_post("clock", R"({"advance":)" + std::to_string(by.count()) + "}").status ==
            200);
    clock.advance(by);
  }

  std::unique_ptr<Connector> persons(int per_page = 200, bool sliced = false,
                                     bool carry_contact_type = false) {
    InventoryContactPersonsOptions options;
    options.organization_id = organization_id;
    options.per_page = per_page;
    options.sliced_listings = sliced;
    options.clock = &clock;
    options.carry_contact_type = carry_contact_type;
    return make_inventory_contact_persons(*api, options);
  }

  std::unique_ptr<Connector> users(bool allow_invite = false, bool allow_delete = false) {
    InventoryUsersOptions options;
    options.organization_id = organization_id;
    options.allow_invite = allow_invite;
    options.allow_delete = allow_delete;
    return make_inventory_users(*api, options);
  }

  Listing list(Connector& connector, std::string since) {
    return run(context, connector.list(std::move(since)));
  }

  json::array dumped(const char* what) { return admin.dump().at("inventory").at(what).as_array(); }

  void edit(const std::string& body) { REQUIRE(admin.admin_post("edit", body).status < 300); }

  std::string organization_id;
};

std::set<std::string> ids_of(const std::vector<Record>& records) {
  std::set<std::string> out;
  for (const auto& r : records)
    out.insert(r.id);
  return out;
}

std::set<std::string> person_ids(const json::array& persons) {
  std::set<std::string> out;
  for (const auto& p : persons)
    out.insert(text(p.at("contact_person_id")));
  return out;
}

// A contact (by id) with at least `min_persons` persons in the sandbox.
std::string contact_with_persons(const json::array& persons, std::size_t min_persons) {
  std::map<std::string, std::size_t> count;
  for (const auto& p : persons)
    ++count[text(p.at("contact_id"))];
  for (const auto& [id, n] : count) {
    if (n >= min_persons)
      return id;
  }
  return {};
}

void touch_contact(Inventory& inv, const std::string& contact_id, const std::string& name) {
  inv.edit(R"({"product":"inventory","collection":"contacts","op":"update","id":")" + contact_id +
           R"(","fields":{"contact_name":")" + name + R"("}})");
}

}  // namespace

TEST_CASE("inventory json: times, ids as numbers or strings, bad rows skipped") {
  using namespace zohosync::connectors::inventory;
  CHECK(parse_inventory_time("1970-01-01T00:00:01+0000") == 1000);
  CHECK(parse_inventory_time("2026-11-24T18:07:46+0000") ==
        parse_inventory_time("2026-11-24T23:37:46+05:30"));
  CHECK(parse_inventory_time("2016-06-05") == 1465084800000);
  CHECK_FALSE(parse_inventory_time("yesterday").has_value());

  auto page = parse_persons_page(
      R"({"code":0,"contact_persons":[{"contact_person_id":460000000026051,"contact_id":"9",)"
      R"("first_name":"Will","email":null,"is_primary_contact":true},{"first_name":"No id"}],)"
      R"("page_context":{"has_more_page":true}})");
  REQUIRE(page.persons.size() == 1);
  CHECK(page.persons[0].person_id == "460000000026051");
  CHECK(page.persons[0].fields == Fields{{"email", ""}, {"first_name", "Will"}});  // null -> ""
  CHECK(page.skipped.size() == 1);
  CHECK(page.has_more_page);

  CHECK_THROWS_AS(parse_contacts_page("{\"code\":0,\"conta"), ConnectorError);
  try {
    parse_contacts_page(R"({"code":1002,"message":"nope"})");
    FAIL("expected a refusal");
  } catch (const ConnectorError& error) {
    CHECK(error.error_class() == ErrorClass::fatal);
  }
  auto user = parse_user(
      R"({"code":0,"user":{"user_id":"5","name":"A B","email_ids":[{"email":"x@y","is_selected":false},)"
      R"({"email":"a@b","is_selected":true}],"status":"active"}})");
  CHECK(user.email == "a@b");

  // The single-contact answer gives the time the contacts list gives.
  auto contact = parse_contact(
      R"({"code":0,"contact":{"contact_id":77,"last_modified_time":"2026-11-24T18:07:46+0000",)"
      R"("contact_persons":[]}})");
  CHECK(contact.contact_id == "77");
  CHECK(contact.modified_ms == parse_inventory_time("2026-11-24T18:07:46+0000"));
  CHECK_THROWS_AS(parse_contact(R"({"code":0,"message":"success"})"), ConnectorError);

  // The Date of an answer (IMF-fixdate), to the second.
  CHECK(zohosync::common::parse_http_date_ms("Thu, 01 Jan 1970 00:00:01 GMT") == 1000);
  CHECK(zohosync::common::parse_http_date_ms("Tue, 24 Nov 2026 18:07:46 GMT") ==
        parse_inventory_time("2026-11-24T18:07:46+0000"));
  CHECK_FALSE(zohosync::common::parse_http_date_ms("Tue, 24 Nov 2026 18:07:46 UTC").has_value());
  CHECK_FALSE(zohosync::common::parse_http_date_ms("Tue, 24 Xyz 2026 18:07:46 GMT").has_value());
  CHECK_FALSE(zohosync::common::parse_http_date_ms("2026-11-24T18:07:46Z").has_value());
}

TEST_CASE("inventory cursor: round trip, anything else means a full scan") {
  using namespace zohosync::connectors::inventory;
  PersonsCursor cursor{
      1'800'000'000'000, 1'790'000'000'000, 1'795'000'000'000, {"11", "12"}, 0, ""};
  auto back = decode_cursor(encode_cursor(cursor));
  REQUIRE(back.has_value());
  CHECK(back->full_scan_ms == cursor.full_scan_ms);
  CHECK(back->newest_ms == cursor.newest_ms);
  CHECK(back->listed_ms == cursor.listed_ms);
  CHECK(back->at_newest == cursor.at_newest);
  CHECK(decode_cursor(encode_cursor(PersonsCursor{1, 2, 3, {}, 0, ""})).has_value());
  // A full scan spread over polls: where it began and how far it got.
  auto sweeping = decode_cursor(encode_cursor(PersonsCursor{1, 2, 3, {"9"}, 4, "460001"}));
  REQUIRE(sweeping.has_value());
  CHECK(sweeping->sweep_from_ms == 4);
  CHECK(sweeping->swept == "460001");
  CHECK(sweeping->at_newest == std::set<std::string>{"9"});
  auto begun = decode_cursor(encode_cursor(PersonsCursor{1, 2, 3, {}, 4, ""}));
  REQUIRE(begun.has_value());
  CHECK(begun->sweep_from_ms == 4);
  CHECK(begun->swept.empty());
  CHECK_FALSE(decode_cursor("inv1;full=1;newest=2;listed=3;sweep_from=0;swept=-;at=").has_value());
  // A cursor from before `listed` existed: its "at" contacts are read again once.
  auto old = decode_cursor("inv1;full=5;newest=7;at=3,4");
  REQUIRE(old.has_value());
  CHECK(old->newest_ms == 7);
  CHECK(old->listed_ms == 0);
  CHECK(old->at_newest == std::set<std::string>{"3", "4"});
  CHECK_FALSE(decode_cursor("inv1;full=1;newest=2;listed=x;at=").has_value());
  CHECK_FALSE(decode_cursor("inv1;full=1;newest=2;listed=;at=").has_value());
  CHECK_FALSE(decode_cursor("").has_value());
  CHECK_FALSE(decode_cursor("12345").has_value());
  CHECK_FALSE(decode_cursor("inv1;full=x;newest=2;at=").has_value());
}

TEST_CASE("inventory.contact_persons: full listing across paging boundaries") {
  sandbox_process proc({"--people", "60", "--seed", "4", "--no-limits"});
  session admin(proc.port());
  Inventory inv(admin);
  const auto contacts = inv.dumped("contacts").size();
  const auto persons = inv.dumped("contact_persons");
  REQUIRE(contacts > 3);
  const auto expected = person_ids(persons);

  for (std::size_t per_page : {contacts, contacts - 1, contacts + 1, std::size_t{1}}) {
    CAPTURE(per_page);
    auto connector = inv.persons(static_cast<int>(per_page));
    const auto before = inv.calls();
    auto listing = inv.list(*connector, "");
    CHECK(listing.full);
    CHECK(listing.complete);
    CHECK(ids_of(listing.records) == expected);
    CHECK(listing.records.size() == expected.size());  // no duplicates
    // Contact pages, then one call per contact (its persons fit one page when
    // per_page >= the largest contact; per_page 1 pages persons too).
    const auto contact_pages = (contacts + per_page - 1) / per_page;
    if (per_page >= 5)
      CHECK(inv.calls() - before == static_cast<std::int64_t>(contact_pages + contacts));
    for (const auto& record : listing.records) {
      CHECK_FALSE(record.parent_id.empty());
      CHECK(record.modified_ms > 0);
      CHECK(record.fields.count("first_name") == 1);
      for (const auto& [name, value] : record.fields) {
        CAPTURE(name);
        CHECK(std::find(std::begin(inventory::kPersonFields), std::end(inventory::kPersonFields),
                        name) != std::end(inventory::kPersonFields));
      }
    }
  }
}

TEST_CASE("inventory.contact_persons: each person carries its contact's type when rules ask") {
  sandbox_process proc({"--people", "20", "--seed", "4", "--no-limits"});
  session admin(proc.port());
  Inventory inv(admin);
  // A vendor with one contact person, beside the generated customers.
  auto vendor =
      admin.admin_post("edit", R"({"product":"inventory","collection":"contacts","op":"create",)"
                               R"("fields":{"contact_name":"Parts Ltd","contact_type":"vendor"}})");
  REQUIRE(vendor.status < 300);
  const std::string vendor_id = text(vendor.obj().at("record").at("contact_id"));
  inv.edit(R"({"product":"inventory","collection":"contact_persons","op":"create","parent":")" +
           vendor_id +
           R"(","fields":{"first_name":"Val","last_name":"Endor","email":"val@parts.example"}})");

  auto carrying = inv.persons(200, false, true);
  const Listing listing = inv.list(*carrying, "");
  std::size_t vendors = 0;
  std::size_t customers = 0;
  for (const auto& record : listing.records) {
    CAPTURE(record.id);
    REQUIRE(record.fields.count("contact_type") == 1);
    const std::string& type = record.fields.at("contact_type");
    CHECK(type == (record.parent_id == vendor_id ? "vendor" : "customer"));
    (type == "vendor" ? vendors : customers) += 1;
  }
  CHECK(vendors == 1);
  CHECK(customers + 1 == listing.records.size());
  // A lookup says it too.
  auto found = run(inv.context, carrying->find_by_email("val@parts.example"));
  REQUIRE(found.has_value());
  CHECK(found->fields.at("contact_type") == "vendor");
  // Without rules on it, the field is not there.
  auto plain = inv.persons();
  for (const auto& record : inv.list(*plain, "").records)
    CHECK(record.fields.count("contact_type") == 0);
}

TEST_CASE("inventory.contact_persons: incremental by contact time, deletes, schedule, cost") {
  sandbox_process proc({"--people", "300", "--seed", "2", "--no-limits"});
  session admin(proc.port());
  Inventory inv(admin);
  auto connector = inv.persons();
  auto full = inv.list(*connector, "");
  REQUIRE(full.full);

  SUBCASE("a no-change cycle costs one call and returns nothing") {
    const auto before = inv.calls();
    auto listing = inv.list(*connector, full.cursor);
    CHECK(inv.calls() - before == 1);
    CHECK_FALSE(listing.full);
    CHECK(listing.records.empty());
    CHECK(listing.deleted.empty());
    // Twice in a row: the cursor carries the contacts read at the newest second.
    auto again = inv.list(*connector, listing.cursor);
    CHECK(again.records.empty());
  }

  SUBCASE("only the persons of a contact whose time moved are re-read") {
    const auto persons = inv.dumped("contact_persons");
    const std::string contact = contact_with_persons(persons, 2);
    REQUIRE_FALSE(contact.empty());
    REQUIRE(admin.admin_post("clock", R"({"advance":5})").status == 200);
    touch_contact(inv, contact, "Renamed Ltd");
    const auto before = inv.calls();
    auto listing = inv.list(*connector, full.cursor);
    CHECK(inv.calls() - before == 2);  // the first contacts page + that contact's persons
    CHECK_FALSE(listing.full);
    REQUIRE_FALSE(listing.records.empty());
    for (const auto& record : listing.records)
      CHECK(record.parent_id == contact);
    // Same-second edit of another contact after our read is still seen.
    const std::string other = contact_with_persons(persons, 3) != contact
                                  ? contact_with_persons(persons, 3)
                                  : contact_with_persons(persons, 1);
    touch_contact(inv, other, "Same Second Ltd");
    auto next = inv.list(*connector, listing.cursor);
    // The first contact comes again too when `listing` began in its second
    // (its persons may have been edited after our read).
    CHECK(std::all_of(next.records.begin(), next.records.end(), [&](const Record& r) {
      return r.parent_id == other || r.parent_id == contact;
    }));
    CHECK(std::any_of(next.records.begin(), next.records.end(),
                      [&](const Record& r) { return r.parent_id == other; }));
  }

  SUBCASE(
      "a re-read contact is named complete: its deleted person is absent, to a new process too") {
    REQUIRE(admin.admin_post("knobs", R"({"person_bumps_contact":true})").status == 200);
    const auto persons = inv.dumped("contact_persons");
    const std::string contact = contact_with_persons(persons, 2);
    std::string victim;
    for (const auto& p : persons) {
      if (text(p.at("contact_id")) == contact)
        victim = text(p.at("contact_person_id"));
    }
    REQUIRE(admin.admin_post("clock", R"({"advance":5})").status == 200);
    inv.edit(R"({"product":"inventory","collection":"contact_persons","op":"delete","id":")" +
             victim + R"("})");
    // A connector that never listed before (a restarted process) reports
    // the same as the one that did: nothing rests on what it remembers.
    auto fresh = inv.persons();
    for (Connector* c : {connector.get(), fresh.get()}) {
      auto listing = inv.list(*c, full.cursor);
      CHECK(listing.complete);
      CHECK(listing.complete_parents == std::vector<std::string>{contact});
      CHECK(listing.deleted.empty());
      CHECK(ids_of(listing.records).count(victim) == 0);
      CHECK_FALSE(listing.records.empty());  // the contact's other persons
      for (const auto& record : listing.records)
        CHECK(record.parent_id == contact);
    }
  }

  SUBCASE("a contact deleted with its persons is missing from existing_parents, confirmed gone") {
    const auto persons = inv.dumped("contact_persons");
    const std::string contact = contact_with_persons(persons, 2);
    const std::string kept = contact_with_persons(persons, 1) != contact
                                 ? contact_with_persons(persons, 1)
                                 : contact_with_persons(persons, 3);
    REQUIRE_FALSE(kept.empty());
    inv.edit(R"({"product":"inventory","collection":"contacts","op":"delete","id":")" + contact +
             R"("})");
    for (const auto& p : inv.dumped("contact_persons"))
      REQUIRE(text(p.at("contact_id")) != contact);  // Inventory took its persons along
    // Deleting a contact moves no other contact's time: the incremental
    // listing has no changed contact, only the ids of those that exist.
    auto fresh = inv.persons();
    auto listing = inv.list(*fresh, full.cursor);
    CHECK(listing.complete);
    CHECK(listing.records.empty());
    REQUIRE(listing.existing_parents.has_value());
    const std::set<std::string> existing(listing.existing_parents->begin(),
                                         listing.existing_parents->end());
    CHECK(existing.size() == inv.dumped("contacts").size());
    CHECK(existing.count(contact) == 0);
    CHECK(existing.count(kept) == 1);
    // Asked about both, the connector confirms only the one that is gone.
    const auto before = inv.calls();
    const auto gone = run(inv.context, fresh->confirm_gone_parents({contact, kept}));
    CHECK(inv.calls() - before == 2);
    CHECK(gone == std::vector<std::string>{contact});
  }

  SUBCASE("a contact whose persons fail part-way fails the listing: never named complete") {
    const auto persons = inv.dumped("contact_persons");
    const std::string contact = contact_with_persons(persons, 2);
    REQUIRE_FALSE(contact.empty());
    auto paged = inv.persons(1);  // one person per page: the contact takes two pages or more
    // Its first page reads; every later read of it answers garbage (retries too).
    REQUIRE(admin.admin_post("clock", R"({"advance":5})").status == 200);
    touch_contact(inv, contact, "Half Read Ltd");
    const std::string rule = R"({"kind":"malformed","path":"/inventory/v1/contacts/)" + contact +
                             R"(/contactpersons","method":"GET","nth":2,"times":100})";
    REQUIRE(admin.admin_post("faults", rule).status == 200);
    CHECK_THROWS_AS(inv.list(*paged, full.cursor), ConnectorError);
    REQUIRE(admin.client.request("DELETE", "/__sandbox/faults").status == 200);
    auto listing = inv.list(*paged, full.cursor);
    CHECK(listing.complete_parents == std::vector<std::string>{contact});
  }

  SUBCASE("a person edit that does not move the contact waits for the scheduled full scan") {
    const auto persons = inv.dumped("contact_persons");
    const std::string id = text(persons.at(0).at("contact_person_id"));
    inv.edit(R"({"product":"inventory","collection":"contact_persons","op":"update","id":")" + id +
             R"(","fields":{"designation":"Chief Tester"}})");
    auto quiet = inv.list(*connector, full.cursor);
    CHECK(quiet.records.empty());
    CHECK_FALSE(quiet.full);
    inv.advance_both(23h);
    CHECK_FALSE(inv.list(*connector, quiet.cursor).full);
    inv.advance_both(1h);
    auto scheduled = inv.list(*connector, quiet.cursor);
    CHECK(scheduled.full);
    CHECK(scheduled.records.size() == full.records.size());
    auto edited = std::find_if(scheduled.records.begin(), scheduled.records.end(),
                               [&](const Record& r) { return r.id == id; });
    REQUIRE(edited != scheduled.records.end());
    CHECK(edited->fields.at("designation") == "Chief Tester");
    // The new cursor restarts the schedule.
    CHECK_FALSE(inv.list(*connector, scheduled.cursor).full);
  }

  SUBCASE("the schedule runs on Inventory's clock: ours a year ahead moves nothing stored") {
    auto ahead = inv.persons();
    inv.clock.advance(365 * 24h);  // our clock only: Inventory's stays right
    auto scan = inv.list(*ahead, "");
    REQUIRE(scan.full);
    const auto cursor = decode_cursor(scan.cursor);
    REQUIRE(cursor.has_value());
    CHECK(cursor->full_scan_ms == cursor->listed_ms);  // Inventory's Date, not our time
    // Our clock set right again: the next full scan comes a day later, as
    // it would have, not a year later.
    inv.clock.advance(-365 * 24h);
    auto right = inv.persons();
    inv.advance_both(23h);
    CHECK_FALSE(inv.list(*right, scan.cursor).full);
    inv.advance_both(1h);
    CHECK(inv.list(*right, scan.cursor).full);
  }

  SUBCASE("a full-scan time in the future (a clock was ahead) counts as now, not as a wait") {
    auto parsed = decode_cursor(full.cursor);
    REQUIRE(parsed.has_value());
    parsed->full_scan_ms += 365LL * 24 * 3600 * 1000;  // what an older version wrote then
    auto quiet = inv.list(*connector, encode_cursor(*parsed));
    CHECK_FALSE(quiet.full);
    const auto carried = decode_cursor(quiet.cursor);
    REQUIRE(carried.has_value());
    CHECK(carried->full_scan_ms <= carried->listed_ms + 1000);  // brought back to now
    inv.advance_both(24h);
    CHECK(inv.list(*connector, quiet.cursor).full);
  }
}

TEST_CASE(
    "inventory.contact_persons: the daemon's daily full scan is spread over polls, a budget's "
    "worth "
    "each, and finds what only a full scan finds") {
  sandbox_process proc({"--people", "120", "--seed", "3", "--no-limits"});
  session admin(proc.port());
  // One request a second, six back to back: what a poll may spend at once.
  Inventory inv(admin, RateLimit{1.0, 6.0});
  auto connector = inv.persons(200, /*sliced=*/true);
  auto full = inv.list(*connector, "");  // the first listing ever reads everything
  REQUIRE(full.full);
  const std::size_t contacts = inv.dumped("contacts").size();
  REQUIRE(contacts > 20);

  // A person edit that leaves its contact's time alone: only a full scan sees it.
  const auto persons = inv.dumped("contact_persons");
  const std::string id = text(persons.at(persons.size() / 2).at("contact_person_id"));
  inv.edit(R"({"product":"inventory","collection":"contact_persons","op":"update","id":")" + id +
           R"(","fields":{"designation":"Swept Up"}})");
  inv.advance_both(24h);

  std::string cursor = full.cursor;
  std::set<std::string> swept;
  bool seen_edit = false;
  std::size_t polls = 0;
  const std::size_t sleeps_before = inv.clock.sleeps().size();
  for (; polls < contacts + 5; ++polls) {
    inv.advance_both(10s);  // the budget refills between polls
    auto listing = inv.list(*connector, cursor);
    CHECK_FALSE(listing.full);  // never a full listing: deletes only under contacts read whole
    swept.insert(listing.complete_parents.begin(), listing.complete_parents.end());
    for (const auto& r : listing.records)
      seen_edit = seen_edit || (r.id == id && r.fields.at("designation") == "Swept Up");
    cursor = listing.cursor;
    const auto parsed = decode_cursor(cursor);
    REQUIRE(parsed.has_value());
    if (parsed->sweep_from_ms == 0)
      break;  // the sweep is done
    const auto progress = connector->listing_progress();
    REQUIRE(progress.has_value());
    CHECK(progress->parents_total == contacts);
    CHECK(progress->parents_read == swept.size());
  }
  CHECK(polls > 3);  // spread, not read in one go
  CHECK(polls < contacts);
  CHECK(swept.size() == contacts);
  CHECK(seen_edit);
  // No poll waited for the budget: each read what it held.
  CHECK(inv.clock.sleeps().size() == sleeps_before);
  // Done: the full scan counts from when the sweep began, and the next
  // poll lists incrementally again.
  const auto done = decode_cursor(cursor);
  REQUIRE(done.has_value());
  CHECK(done->swept.empty());
  CHECK(done->full_scan_ms > decode_cursor(full.cursor)->full_scan_ms);
  inv.advance_both(10s);
  auto quiet = inv.list(*connector, cursor);
  CHECK(quiet.records.empty());
  CHECK(quiet.complete_parents.empty());
}

TEST_CASE("inventory.contact_persons: create, update, find, delete round trips") {
  sandbox_process proc({"--people", "40", "--seed", "6", "--no-limits"});
  session admin(proc.port());
  Inventory inv(admin);
  auto connector = inv.persons();
  auto full = inv.list(*connector, "");
  const std::string contact = text(inv.dumped("contacts").at(0).at("contact_id"));

  Fields fields{{"first_name", "Ada"},
                {"last_name", "Lovelace"},
                {"email", "ada.roundtrip@example.com"},
                {"designation", "Analyst"}};
  auto created = run(inv.context, connector->create(contact, fields));
  CHECK_FALSE(created.id.empty());
  CHECK(created.parent_id == contact);
  CHECK(created.fields.at("first_name") == "Ada");
  CHECK(created.fields.at("email") == "ada.roundtrip@example.com");
  CHECK(person_ids(inv.dumped("contact_persons")).count(created.id) == 1);

  // Found by email although it is not its contact's primary person.
  auto found = run(inv.context, connector->find_by_email(" ADA.roundtrip@example.com"));
  REQUIRE(found.has_value());
  CHECK(found->id == created.id);
  CHECK(found->fields == created.fields);
  CHECK_FALSE(run(inv.context, connector->find_by_email("nobody@example.invalid")).has_value());

  // Update changes only what it is given.
  Fields change{{"phone", "+1 555 0100"}};
  auto updated = run(inv.context, connector->update(created.id, contact, change));
  CHECK(updated.id == created.id);
  CHECK(updated.fields.at("phone") == "+1 555 0100");
  CHECK(updated.fields.at("designation") == "Analyst");
  CHECK(updated.fields.at("last_name") == "Lovelace");
  // What a later listing shows equals what the write returned (echo suppression).
  auto rescan = inv.list(*connector, "");
  auto seen = std::find_if(rescan.records.begin(), rescan.records.end(),
                           [&](const Record& r) { return r.id == created.id; });
  REQUIRE(seen != rescan.records.end());
  CHECK(seen->fields == updated.fields);
  CHECK(seen->parent_id == contact);
  CHECK(seen->modified_ms == updated.modified_ms);

  run(inv.context, connector->remove(created.id, contact));
  CHECK(person_ids(inv.dumped("contact_persons")).count(created.id) == 0);
  run(inv.context, connector->remove(created.id, contact));  // already gone: fine

  SUBCASE("refused records are per-record errors") {
    Fields bad{{"first_name", "Bad"}, {"email", std::string(120, 'x') + "@example.com"}};
    try {
      run(inv.context, connector->create(contact, bad));
      FAIL("expected a refusal");
    } catch (const ConnectorError& error) {
      CHECK(error.error_class() == ErrorClass::per_record);
      CHECK(error.product_code() == "2");
    }
    try {
      run(inv.context, connector->update("999999999", contact, Fields{{"first_name", "X"}}));
      FAIL("expected a refusal");
    } catch (const ConnectorError& error) {
      CHECK(error.error_class() == ErrorClass::per_record);
    }
  }
  SUBCASE("a create without parent or default is a configuration error") {
    try {
      run(inv.context, connector->create("", Fields{{"first_name", "Orphan"}}));
      FAIL("expected a refusal");
    } catch (const ConnectorError& error) {
      CHECK(error.error_class() == ErrorClass::configuration);
    }
  }
}

TEST_CASE("inventory.contact_persons: creates without a parent spread over the default contacts") {
  sandbox_process proc({"--people", "40", "--seed", "6", "--no-limits"});
  session admin(proc.port());
  Inventory inv(admin);
  const auto contacts = inv.dumped("contacts");
  REQUIRE(contacts.size() >= 2);
  const std::string a = text(contacts.at(0).at("contact_id"));
  const std::string b = text(contacts.at(1).at("contact_id"));
  std::map<std::string, std::size_t> before;
  for (const auto& p : inv.dumped("contact_persons"))
    ++before[text(p.at("contact_id"))];

  InventoryContactPersonsOptions options;
  options.organization_id = inv.organization_id;
  options.clock = &inv.clock;
  options.default_contact_id = a + " , " + b;
  auto connector = make_inventory_contact_persons(*inv.api, options);
  inv.list(*connector, "");  // what the contacts hold now
  std::map<std::string, std::size_t> created;
  for (int i = 0; i < 6; ++i) {
    Fields fields{{"first_name", "Spread"},
                  {"last_name", std::to_string(i)},
                  {"email", "spread" + std::to_string(i) + "@example.com"}};
    // The planner passes the configured default as the parent; no parent means the same.
    auto record =
        run(inv.context, connector->create(i % 2 ? "" : options.default_contact_id, fields));
    REQUIRE((record.parent_id == a || record.parent_id == b));
    ++created[record.parent_id];
  }
  // Each create went to the one with fewer persons: the gap closes by one per
  // create, down to at most one.
  auto gap = [](std::size_t x, std::size_t y) { return x > y ? x - y : y - x; };
  const std::size_t start_gap = gap(before[a], before[b]);
  CHECK(created[a] + created[b] == 6);
  CHECK(gap(before[a] + created[a], before[b] + created[b]) <=
        std::max<std::size_t>(1, start_gap > 6 ? start_gap - 6 : 0));
}

TEST_CASE(
    "inventory.contact_persons: a fresh connector finds by email a person an earlier one created") {
  // What resuming after a crash needs: the process that created the person
  // died before recording it; the next one looks it up before any listing.
  sandbox_process proc({"--people", "20", "--seed", "8", "--no-limits"});
  session admin(proc.port());
  Inventory inv(admin);
  // A contact that already has its primary person: the new one is not.
  const std::string parent = text(inv.dumped("contact_persons").at(0).at("contact_id"));
  InventoryContactPersonsOptions options;
  options.organization_id = inv.organization_id;
  options.clock = &inv.clock;
  options.default_contact_id = parent;
  auto first = make_inventory_contact_persons(*inv.api, options);
  Fields fields{
      {"first_name", "Resumed"}, {"last_name", "Create"}, {"email", "resumed@example.com"}};
  auto created = run(inv.context, first->create("", fields));

  auto fresh = make_inventory_contact_persons(*inv.api, options);
  auto found = run(inv.context, fresh->find_by_email("Resumed@Example.com"));
  REQUIRE(found.has_value());
  CHECK(found->id == created.id);
}

TEST_CASE(
    "inventory.contact_persons: the contact is read back after a write until writes prove to move "
    "it") {
  sandbox_process proc({"--people", "40", "--seed", "6", "--no-limits", "--person-bumps-contact"});
  session admin(proc.port());
  Inventory inv(admin);
  auto connector = inv.persons();
  inv.list(*connector, "");
  const std::string contact = text(inv.dumped("contacts").at(0).at("contact_id"));
  std::vector<Record> written;
  std::vector<std::int64_t> calls;
  for (int i = 0; i < 3; ++i) {
    const auto before = inv.calls();
    Fields fields{{"first_name", "Moved"},
                  {"last_name", std::to_string(i)},
                  {"email", "moved" + std::to_string(i) + "@example.com"}};
    written.push_back(run(inv.context, connector->create(contact, fields)));
    calls.push_back(inv.calls() - before);
  }
  // The first create reads its contact back and sees the write moved it;
  // the others take the time from the answer: one call each.
  CHECK(calls == std::vector<std::int64_t>{2, 1, 1});
  auto listing = inv.list(*connector, "");
  for (const Record& w : written) {
    auto seen = std::find_if(listing.records.begin(), listing.records.end(),
                             [&](const Record& r) { return r.id == w.id; });
    REQUIRE(seen != listing.records.end());
    CHECK(seen->modified_ms >= w.modified_ms);
  }
  // The last write's time is the one the listing shows for the contact.
  auto last = std::find_if(listing.records.begin(), listing.records.end(),
                           [&](const Record& r) { return r.id == written.back().id; });
  CHECK(last->modified_ms == written.back().modified_ms);
}

TEST_CASE("inventory.users: list, update, invite only when allowed, remove marks inactive") {
  sandbox_process proc({"--people", "300", "--seed", "2", "--no-limits"});
  session admin(proc.port());
  Inventory inv(admin);
  auto users = inv.users();
  const auto all = inv.dumped("users");
  std::set<std::string> active;
  for (const auto& u : all) {
    if (text(u.at("status")) != "inactive")
      active.insert(text(u.at("user_id")));
  }
  REQUIRE(active.size() >= 2);
  REQUIRE(active.size() < all.size());  // the seed has inactive users too

  const auto before = inv.calls();
  auto listing = inv.list(*users, "");
  CHECK(inv.calls() - before == 1);
  CHECK(listing.full);
  CHECK(ids_of(listing.records) == active);  // inactive users are not listed
  for (const auto& record : listing.records) {
    CHECK(record.fields.size() == 2);
    CHECK_FALSE(record.fields.at("email").empty());
  }
  CHECK(inv.list(*users, listing.cursor).full);  // no incremental query exists

  const Record first = listing.records.front();
  auto updated = run(inv.context, users->update(first.id, "", Fields{{"name", "Renamed Person"}}));
  CHECK(updated.fields.at("name") == "Renamed Person");
  CHECK(updated.fields.at("email") == first.fields.at("email"));
  auto found = run(inv.context, users->find_by_email(first.fields.at("email")));
  REQUIRE(found.has_value());
  CHECK(found->fields == updated.fields);

  Fields invitee{{"name", "New Colleague"}, {"email", "new.colleague@example.com"}};
  const auto count_before_invite = inv.dumped("users").size();
  try {
    run(inv.context, users->create("", invitee));
    FAIL("expected a refusal");
  } catch (const ConnectorError& error) {
    CHECK(error.error_class() == ErrorClass::configuration);
  }
  CHECK(inv.dumped("users").size() == count_before_invite);  // nothing was sent

  auto inviting = inv.users(true);
  auto invited = run(inv.context, inviting->create("", invitee));
  CHECK_FALSE(invited.id.empty());
  CHECK(invited.fields == invitee);
  // The same email again: Inventory refuses it for this record only.
  try {
    run(inv.context, inviting->create("", invitee));
    FAIL("expected a refusal");
  } catch (const ConnectorError& error) {
    CHECK(error.error_class() == ErrorClass::per_record);
  }

  // remove() without allow_delete marks the user inactive: gone from listings.
  run(inv.context, users->remove(invited.id, ""));
  bool still_there = false;
  for (const auto& u : inv.dumped("users")) {
    if (text(u.at("user_id")) == invited.id) {
      still_there = true;
      CHECK(text(u.at("status")) == "inactive");
    }
  }
  CHECK(still_there);
  CHECK(ids_of(inv.list(*users, "").records).count(invited.id) == 0);

  auto deleting = inv.users(false, true);
  run(inv.context, deleting->remove(invited.id, ""));
  CHECK(inv.dumped("users").size() == count_before_invite);
  run(inv.context, deleting->remove(invited.id, ""));  // already gone: fine
}

// The figures for the issue's note: API calls per cycle over a generated
// organization (ZOHOSYNC_INVENTORY_PEOPLE people, default 2,000).
TEST_CASE(
    "inventory.contact_persons: a person edited again in the second of the last listing is "
    "listed, writes return the time the next listing shows") {
  // Every person write moves its contact's time, to the second (as the
  // conformance suite runs Inventory).
  sandbox_process proc({"--people", "40", "--seed", "3", "--no-limits", "--person-bumps-contact"});
  session admin(proc.port());
  Inventory inv(admin);
  auto connector = inv.persons();
  auto full = inv.list(*connector, "");
  REQUIRE(full.full);
  const auto persons = inv.dumped("contact_persons");
  const std::string id = text(persons.at(0).at("contact_person_id"));
  auto ui_edit = [&](const std::string& designation) {
    inv.edit(R"({"product":"inventory","collection":"contact_persons","op":"update","id":")" + id +
             R"(","fields":{"designation":")" + designation + R"("}})");
  };
  auto listed = [&](const Listing& listing) -> const Record* {
    for (const auto& r : listing.records)
      if (r.id == id)
        return &r;
    return nullptr;
  };

  // The first edit moves the contact to the newest second; the listing
  // reads it there.
  REQUIRE(admin.admin_post("clock", R"({"advance":5})").status == 200);
  ui_edit("First");
  const auto first = inv.list(*connector, full.cursor);
  const Record* seen = listed(first);
  REQUIRE(seen != nullptr);
  CHECK(seen->fields.at("designation") == "First");
  const std::int64_t first_ms = seen->modified_ms;

  // No clock step: the second edit falls in that same second (unless the
  // wall clock ticked meanwhile), which leaves the contact's time as it was.
  ui_edit("Second");
  const auto second = inv.list(*connector, first.cursor);
  seen = listed(second);
  CAPTURE(first_ms);
  REQUIRE(seen != nullptr);
  CHECK(seen->fields.at("designation") == "Second");
  CHECK(seen->modified_ms >= first_ms);

  // A listing that begins in a later second settles the newest second: from
  // then on a no-change cycle is the one contacts page again.
  REQUIRE(admin.admin_post("clock", R"({"advance":5})").status == 200);
  auto settled = inv.list(*connector, second.cursor);
  auto before = inv.calls();
  auto quiet = inv.list(*connector, settled.cursor);
  CHECK(inv.calls() - before == 1);
  CHECK(quiet.records.empty());
  before = inv.calls();
  quiet = inv.list(*connector, quiet.cursor);
  CHECK(inv.calls() - before == 1);
  CHECK(quiet.records.empty());

  // A create under a contact no listing has shown since the write moved its
  // time: the write returns the time the next listing shows.
  const std::string contact = text(persons.at(1).at("contact_id"));
  REQUIRE(admin.admin_post("clock", R"({"advance":5})").status == 200);
  Fields fields{{"first_name", "Grace"}, {"last_name", "Hopper"}, {"email", "grace@example.com"}};
  before = inv.calls();
  const auto created = run(inv.context, connector->create(contact, fields));
  CHECK(inv.calls() - before == 2);  // the create and the read-back of the contact's time
  CHECK(created.modified_ms > first_ms);
  auto after_create = inv.list(*connector, quiet.cursor);
  auto shown = std::find_if(after_create.records.begin(), after_create.records.end(),
                            [&](const Record& r) { return r.id == created.id; });
  REQUIRE(shown != after_create.records.end());
  CHECK(shown->modified_ms == created.modified_ms);
  CHECK(shown->fields == created.fields);

  REQUIRE(admin.admin_post("clock", R"({"advance":5})").status == 200);
  Fields change{{"designation", "Rear Admiral"}};
  before = inv.calls();
  const auto updated = run(inv.context, connector->update(created.id, contact, change));
  // The current person and the update: the create's read-back showed that a
  // write moves its contact's time to the second of the answer, so no read-back.
  CHECK(inv.calls() - before == 2);
  CHECK(updated.modified_ms > created.modified_ms);
  auto after_update = inv.list(*connector, after_create.cursor);
  shown = std::find_if(after_update.records.begin(), after_update.records.end(),
                       [&](const Record& r) { return r.id == created.id; });
  REQUIRE(shown != after_update.records.end());
  CHECK(shown->modified_ms == updated.modified_ms);
  CHECK(shown->fields == updated.fields);
}

TEST_CASE("inventory: API calls of a full scan, a no-change cycle and a 1% churn cycle") {
  int people = 2000;
  if (const char* env = std::getenv("ZOHOSYNC_INVENTORY_PEOPLE"))
    people = std::max(100, std::atoi(env));
  sandbox_process proc({"--people", std::to_string(people), "--seed", "9", "--no-limits"});
  session admin(proc.port());
  Inventory inv(admin);
  auto connector = inv.persons();
  const auto contacts = inv.dumped("contacts").size();
  const auto persons = inv.dumped("contact_persons");

  auto before = inv.calls();
  auto full = inv.list(*connector, "");
  const auto full_calls = inv.calls() - before;
  CHECK(full_calls == static_cast<std::int64_t>((contacts + 199) / 200 + contacts));

  before = inv.calls();
  auto quiet = inv.list(*connector, full.cursor);
  const auto quiet_calls = inv.calls() - before;
  // Contacts sharing the newest second were read already and are skipped, but
  // a same-second edit may sit among them: they are paged through (the
  // generator gives many contacts the same recent time).
  std::string newest;
  std::set<std::string> newest_ids;
  for (const auto& c : inv.dumped("contacts")) {
    const std::string time = text(c.at("last_modified_time"));
    if (time > newest) {
      newest = time;
      newest_ids.clear();
    }
    if (time == newest)
      newest_ids.insert(text(c.at("contact_id")));
  }
  const std::size_t at_newest = newest_ids.size();
  // Every contact page is read, whatever changed: the ids of all contacts
  // tell which were deleted with their persons.
  const auto contact_pages = static_cast<std::int64_t>((contacts + 199) / 200);
  CHECK(quiet_calls == contact_pages);
  CHECK(quiet.existing_parents.has_value());
  CHECK(quiet.existing_parents->size() == contacts);

  // 1% of the persons edited in the UI, every edit moving its contact's time.
  REQUIRE(admin.admin_post("knobs", R"({"person_bumps_contact":true})").status == 200);
  REQUIRE(admin.admin_post("clock", R"({"advance":2})").status == 200);
  const std::size_t churn = std::max<std::size_t>(1, persons.size() / 100);
  std::set<std::string> edited, touched_contacts;
  for (std::size_t i = 0; i < churn; ++i) {
    const auto& person = persons.at((i * 7919) % persons.size());
    const std::string id = text(person.at("contact_person_id"));
    if (!edited.insert(id).second)
      continue;
    touched_contacts.insert(text(person.at("contact_id")));
    inv.edit(R"({"product":"inventory","collection":"contact_persons","op":"update","id":")" + id +
             R"(","fields":{"department":"Churn )" + std::to_string(i) + R"("}})");
  }
  before = inv.calls();
  auto changed = inv.list(*connector, quiet.cursor);
  const auto churn_calls = inv.calls() - before;
  const auto seen = ids_of(changed.records);
  CHECK(std::includes(seen.begin(), seen.end(), edited.begin(), edited.end()));
  // Every contact page, then one call per touched contact.
  CHECK(churn_calls == contact_pages + static_cast<std::int64_t>(touched_contacts.size()));

  auto users = inv.users();
  before = inv.calls();
  auto user_listing = inv.list(*users, "");
  const auto user_calls = inv.calls() - before;
  MESSAGE("inventory, " << people << " people (" << contacts << " contacts, " << persons.size()
                        << " contact persons, " << at_newest << " contacts at the newest second, "
                        << user_listing.records.size() << " listed users): full scan " << full_calls
                        << " calls; no-change " << quiet_calls << " call; 1% churn ("
                        << edited.size() << " persons in " << touched_contacts.size()
                        << " contacts) " << churn_calls << " calls; users list " << user_calls
                        << " call(s) per cycle");
}
