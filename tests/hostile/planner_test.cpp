// Odd values through the planner: names that must arrive byte for byte,
// missing vs blank fields, records seen twice, and values far over any limit.
#include <doctest/doctest.h>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <string>
#include <vector>

#include "connectors/crm/crm_json.hpp"
#include "mapping/memory_state.hpp"
#include "mapping/planner.hpp"
#include "tests/hostile/planning.hpp"

using namespace zohosync::mapping;
using namespace zohosync::hostile;
namespace json = boost::json;

namespace {

const std::string kEmoji = "\xF0\x9F\x98\x80";                   // 😀
const std::string kHebrew = "\xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D";  // שלום (RTL)
const std::string kRtlMark = "\xE2\x80\x8F";                     // U+200F
const std::string kOdd = "O'Brien \"Bob\" \\ " + kEmoji + " " + kHebrew + kRtlMark;
const std::string kControl = std::string("Nul\0Bell\x07", 9);

const Action* create_in(const std::vector<Action>& all, std::string_view collection) {
  for (const auto& a : all) {
    if (a.kind == ActionKind::create && a.collection == collection)
      return &a;
  }
  return nullptr;
}

SyncSettings with_blank_phone(bool on) {
  SyncSettings s = three_collections();
  s.blank_overwrites[index_of(Field::phone)] = on;
  return s;
}

}  // namespace

TEST_CASE("names: emoji, RTL, quotes, backslashes and control characters go out byte for byte") {
  MemoryState st;
  CollectingSink sink;
  std::vector<Observation> obs{observe(kCrm, {crm("1", "odd@example.com", kOdd, kControl)})};
  plan(st, obs, three_collections(), 0, sink);
  const Action* inv = create_in(sink.actions, kInventory);
  const Action* contracts = create_in(sink.actions, kContracts);
  REQUIRE(inv != nullptr);
  REQUIRE(contracts != nullptr);
  CHECK(inv->payload.at("first_name") == kOdd);
  CHECK(inv->payload.at("last_name") == kControl);
  CHECK(contracts->payload.at("displayName") == kOdd + " " + kControl);

  // What goes out is valid JSON that reads back to the same bytes.
  const std::string body = zohosync::connectors::crm::upsert_body({inv->payload});
  const json::value parsed = json::parse(body);
  const auto& row = parsed.at("data").at(0).as_object();
  CHECK(std::string(row.at("first_name").as_string()) == kOdd);
  CHECK(std::string(row.at("last_name").as_string()) == kControl);
}

TEST_CASE("names: a newline inside a name is kept - the one-line display name gets a space") {
  MemoryState st;
  CollectingSink sink;
  std::vector<Observation> obs{observe(kCrm, {crm("1", "nl@example.com", "Mary\nAnn", "Lee")})};
  plan(st, obs, three_collections(), 0, sink);
  CHECK(create_in(sink.actions, kInventory)->payload.at("first_name") == "Mary\nAnn");
  CHECK(create_in(sink.actions, kContracts)->payload.at("displayName") == "Mary Ann Lee");

  // Contracts answering "Mary Ann Lee" is no change: nothing churns back.
  st.put_link([&] {
    LinkRow l;
    l.collection = kContracts;
    l.record_id = "nl@example.com";
    l.person = *st.person_by_email("nl@example.com");
    l.base[Field::email] = "nl@example.com";
    l.base[Field::first_name] = "Mary Ann";
    l.base[Field::last_name] = "Lee";
    return l;
  }());
  ObservedRecord back;
  back.id = "nl@example.com";
  back.fields = {{"emailId", "nl@example.com"}, {"displayName", "Mary Ann Lee"}};
  CollectingSink again;
  std::vector<Observation> echo{observe(kContracts, {back})};
  plan(st, echo, three_collections(), 0, again);
  CHECK(of_kind(again.actions, ActionKind::update).empty());
}

TEST_CASE("fields: missing is unknown and never overwrites - blank overwrites only where allowed") {
  for (bool blank_phone : {false, true}) {
    CAPTURE(blank_phone);
    MemoryState st;
    CollectingSink first;
    auto rec = crm("1", "ph@example.com", "Ph", "One", 10);
    rec.fields["Phone"] = "+1 555 0100";
    std::vector<Observation> obs{observe(kCrm, {rec})};
    plan(st, obs, with_blank_phone(blank_phone), 0, first);
    const PersonId id = *st.person_by_email("ph@example.com");

    // The same record without a Phone key (the product left it out): unknown.
    auto missing = crm("1", "ph@example.com", "Ph", "One", 20);
    CollectingSink second;
    std::vector<Observation> obs2{observe(kCrm, {missing})};
    plan(st, obs2, with_blank_phone(blank_phone), 0, second);
    CHECK(st.person(id)->values[Field::phone] == "+1 555 0100");
    CHECK(st.link(kCrm, "1")->base[Field::phone] == "+1 555 0100");
    CHECK(of_kind(second.actions, ActionKind::update).empty());

    // Phone "" (JSON null or empty: blank).
    auto blank = crm("1", "ph@example.com", "Ph", "One", 30);
    blank.fields["Phone"] = "";
    CollectingSink third;
    std::vector<Observation> obs3{observe(kCrm, {blank})};
    plan(st, obs3, with_blank_phone(blank_phone), 0, third);
    if (blank_phone) {
      CHECK(st.person(id)->values[Field::phone].empty());  // the blank is adopted
    } else {
      // Refused: the person keeps the value and CRM gets it back.
      CHECK(st.person(id)->values[Field::phone] == "+1 555 0100");
      auto updates = of_kind(third.actions, ActionKind::update);
      REQUIRE(updates.size() == 1);
      CHECK(updates[0].collection == kCrm);
      CHECK(updates[0].payload.at("Phone") == "+1 555 0100");
    }
  }
}

TEST_CASE("fields: a Contracts contact without displayName keeps the person's names") {
  MemoryState st;
  CollectingSink first;
  std::vector<Observation> obs{observe(kCrm, {crm("1", "dn@example.com", "Di", "Na")})};
  plan(st, obs, three_collections(), 0, first);
  ObservedRecord contact;
  contact.id = "dn@example.com";
  contact.fields = {{"emailId", "dn@example.com"}};  // no displayName key at all
  CollectingSink second;
  std::vector<Observation> obs2{observe(kContracts, {contact})};
  plan(st, obs2, three_collections(), 0, second);
  const PersonRow person = *st.person(*st.person_by_email("dn@example.com"));
  CHECK(person.values[Field::first_name] == "Di");
  CHECK(person.values[Field::last_name] == "Na");
  // Its names are unknown, so they are written to it (not read from it).
  auto updates = of_kind(second.actions, ActionKind::update);
  REQUIRE(updates.size() == 1);
  CHECK(updates[0].payload.at("displayName") == "Di Na");
}

TEST_CASE(
    "duplicates: a record listed twice and an email twice in one product create nothing twice") {
  MemoryState st;
  CollectingSink sink;
  // Pages overlapped (record 1 twice); records 2 and 3 share an email by case.
  std::vector<Observation> obs{
      observe(kCrm, {crm("1", "dup@example.com", "Du", "Pe", 5),
                     crm("1", "dup@example.com", "Du", "Pe", 5),
                     crm("2", "twin@example.com", "Twin", "One", 6),
                     crm("3", "TWIN@example.com", "Twin", "Two", 7)}),
      observe(kInventory, {inventory("p1", "twin@example.com", "Twin", "One", 8)})};
  plan(st, obs, three_collections(), 0, sink);
  CHECK(st.people().size() == 2);
  auto duplicates = of_kind(sink.actions, ActionKind::duplicate);
  REQUIRE(duplicates.size() == 1);
  CHECK(duplicates[0].record_id == "3");
  auto creates = of_kind(sink.actions, ActionKind::create);
  // dup: inventory + contracts; twin: contracts only (Inventory has p1).
  CHECK(creates.size() == 3);
  int twin_in_inventory = 0;
  for (const auto& c : creates)
    twin_in_inventory += c.collection == kInventory && c.person_email == "twin@example.com";
  CHECK(twin_in_inventory == 0);
}

TEST_CASE("huge values: a 1 MB name is refused per record with a reason, others still sync") {
  MemoryState st;
  CollectingSink sink;
  const std::string megabyte(1024 * 1024, 'x');
  std::vector<Observation> obs{observe(kCrm, {crm("1", "big@example.com", megabyte, "Big"),
                                              crm("2", "small@example.com", "Sm", "All")})};
  plan(st, obs, three_collections(), 0, sink);
  auto refused = of_kind(sink.actions, ActionKind::refuse);
  REQUIRE(refused.size() == 2);  // inventory and contracts
  for (const auto& r : refused)
    CHECK(r.reason.find("bytes, longer than its limit") != std::string::npos);
  CHECK(refused[0].reason.find("first_name is 1048576 bytes, longer than its limit of 100") !=
        std::string::npos);
  CHECK(of_kind(sink.actions, ActionKind::create).size() == 2);  // small, in both
}

TEST_CASE("huge pages: 20,000 records in one listing plan without a duplicate") {
  MemoryState st;
  CollectingSink sink;
  std::vector<ObservedRecord> records;
  for (int i = 0; i < 20000; ++i) {
    // Every hundredth email repeats an earlier one with other case.
    const int n = i % 100 == 99 ? i - 1 : i;
    std::string email = "p" + std::to_string(n) + "@example.com";
    if (n != i)
      email[0] = 'P';
    records.push_back(crm(std::to_string(i), email, "P", std::to_string(i), i));
  }
  std::vector<Observation> obs{observe(kCrm, std::move(records))};
  plan(st, obs, three_collections(), 0, sink);
  CHECK(st.people().size() == 19800);
  CHECK(of_kind(sink.actions, ActionKind::duplicate).size() == 200);
  CHECK(of_kind(sink.actions, ActionKind::create).size() == 2 * 19800);
}
