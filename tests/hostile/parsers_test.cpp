// Odd answers through the four products' parsers: null vs "" vs a missing
// key, ids as numbers and strings (beyond 2^53), duplicate keys, odd text,
// and pages of many megabytes. Each case names the defined behaviour.
#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <vector>

#include "connectors/contracts/contracts_json.hpp"
#include "connectors/crm/crm_json.hpp"
#include "connectors/errors.hpp"
#include "connectors/inventory/inventory_json.hpp"
#include "connectors/projects/projects_json.hpp"

namespace crm = zohosync::connectors::crm;
namespace inv = zohosync::connectors::inventory;
namespace projects = zohosync::connectors::projects_json;
namespace contracts = zohosync::connectors::contracts_json;
using zohosync::connectors::ConnectorError;
using zohosync::connectors::ErrorClass;
using zohosync::connectors::Fields;

namespace {

std::string inventory_page(const std::string& rows) {
  return R"({"code":0,"message":"success","contact_persons":[)" + rows +
         R"(],"page_context":{"has_more_page":false}})";
}

bool has(const Fields& fields, const char* key) {
  return fields.find(key) != fields.end();
}

// JSON text of the odd names, and the bytes they must read as.
const char* kOddJson = R"(O'Brien \"Bob\" \\ \ud83d\ude00 \u05e9\u05dc\u05d5\u05dd\u200f)";
const std::string kOddBytes =
    "O'Brien \"Bob\" \\ \xF0\x9F\x98\x80 \xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D\xE2\x80\x8F";
const char* kControlJson = R"(Line\nTwo\u0000Nul\t\u0007)";
const std::string kControlBytes = std::string("Line\nTwo\0Nul\t\x07", 14);

}  // namespace

// ---- null vs "" vs missing: null and "" are blank (""), missing is absent ----

TEST_CASE("crm parser: null and empty are blank, a missing field is left out") {
  auto page = crm::parse_record_page(
      R"({"data":[{"id":"1","Email":"a@x.com","First_Name":null,"Last_Name":"","Phone":[1]}]})");
  REQUIRE(page.records.size() == 1);
  const Fields& f = page.records[0].fields;
  CHECK(f.at("First_Name").empty());
  CHECK(f.at("Last_Name").empty());
  CHECK_FALSE(has(f, "Mobile"));  // missing: unknown
  CHECK_FALSE(has(f, "Phone"));   // an array is no value: unknown too
}

TEST_CASE("inventory parser: null and empty are blank, a missing field is left out") {
  auto page = inv::parse_persons_page(inventory_page(
      R"({"contact_person_id":"1","email":"a@x.com","first_name":null,"last_name":""})"));
  REQUIRE(page.persons.size() == 1);
  const Fields& f = page.persons[0].fields;
  CHECK(f.at("first_name").empty());
  CHECK(f.at("last_name").empty());
  CHECK_FALSE(has(f, "phone"));
}

TEST_CASE("projects parser: null and empty are blank, a missing field is left out") {
  auto page = projects::parse_contacts_page(
      R"([{"id":"1","email":"a@x.com","first_name":null,"last_name":""},
          {"id":"2","email":"b@x.com"}])");
  REQUIRE(page.records.size() == 2);
  CHECK(page.records[0].fields.at("first_name").empty());
  CHECK(page.records[0].fields.at("last_name").empty());
  CHECK_FALSE(has(page.records[1].fields, "first_name"));
  CHECK_FALSE(has(page.records[1].fields, "last_name"));
  // A name that is not a string is an unreadable row, reported, not a guess.
  auto odd = projects::parse_contacts_page(R"([{"id":"3","email":"c@x.com","first_name":{}}])");
  CHECK(odd.records.empty());
  REQUIRE(odd.skipped.size() == 1);
  CHECK(odd.skipped[0].error_class() == ErrorClass::per_record);
}

TEST_CASE("contracts parser: a null name is blank, no name key at all is left out") {
  auto list = contracts::parse_contacts(R"({"counterpartyusers":[
      {"id":"1","emailId":"a@x.com","displayName":null},
      {"id":"2","emailId":"b@x.com","displayName":""},
      {"id":"3","emailId":"c@x.com"},
      {"id":"4","emailId":"d@x.com","name":"Dee List"}]})",
                                        "org");
  REQUIRE(list.records.size() == 4);
  CHECK(list.records[0].fields.at("displayName").empty());
  CHECK(list.records[1].fields.at("displayName").empty());
  CHECK_FALSE(has(list.records[2].fields, "displayName"));
  CHECK(list.records[3].fields.at("displayName") == "Dee List");
}

// ---- ids: numbers and strings read the same; no digit is ever lost ----

TEST_CASE("crm parser: ids as strings or numbers, exact beyond 2^53 - a lossy number is no id") {
  auto page = crm::parse_record_page(R"({"data":[
      {"id":"4150868000000224005","Email":"a@x.com"},
      {"id":4150868000000224007,"Email":"b@x.com"},
      {"id":9007199254740993,"Email":"c@x.com"},
      {"id":18446744073709551615,"Email":"d@x.com"},
      {"id":184467440737095516150,"Email":"e@x.com"},
      {"id":12.5,"Email":"f@x.com"}]})");
  REQUIRE(page.records.size() == 4);
  CHECK(page.records[0].id == "4150868000000224005");
  CHECK(page.records[1].id == "4150868000000224007");
  CHECK(page.records[2].id == "9007199254740993");
  CHECK(page.records[3].id == "18446744073709551615");
  CHECK(page.skipped.size() == 2);  // reported per record, never a rounded id
  auto deleted = crm::parse_deleted_page(
      R"({"data":[{"id":9007199254740993},{"id":"7"},{"id":1e30}],"info":{}})");
  CHECK(deleted.ids == std::vector<std::string>{"9007199254740993", "7"});
}

TEST_CASE(
    "inventory parser: ids as strings or numbers, exact beyond 2^53 - a lossy number is no id") {
  auto page = inv::parse_persons_page(inventory_page(R"(
      {"contact_person_id":"4815000000044080","contact_id":4815000000044001,"email":"a@x.com"},
      {"contact_person_id":9007199254740993,"contact_id":"4815000000044001","email":"b@x.com"},
      {"contact_person_id":1.8446744073709552e19,"email":"c@x.com"},
      {"contact_person_id":4815000000044082.5,"email":"d@x.com"})"));
  REQUIRE(page.persons.size() == 2);
  CHECK(page.persons[0].person_id == "4815000000044080");
  CHECK(page.persons[0].contact_id == "4815000000044001");
  CHECK(page.persons[1].person_id == "9007199254740993");
  CHECK(page.persons[1].contact_id == "4815000000044001");
  CHECK(page.skipped.size() == 2);
  auto users = inv::parse_users_page(R"({"code":0,"users":[{"user_id":9007199254740995,
      "name":"U","email":"u@x.com"},{"user_id":3.5,"email":"v@x.com"}]})");
  REQUIRE(users.users.size() == 1);
  CHECK(users.users[0].user_id == "9007199254740995");
  CHECK(users.skipped.size() == 1);
}

TEST_CASE(
    "projects parser: ids as strings or numbers, exact beyond 2^53 - a lossy number is no id") {
  auto page = projects::parse_contacts_page(R"([
      {"id":"170876000000000101","clientId":170876000000000001,"email":"a@x.com"},
      {"id":9007199254740993,"clientId":"170876000000000001","email":"b@x.com"},
      {"id":1e19,"email":"c@x.com"}])");
  REQUIRE(page.records.size() == 2);
  CHECK(page.records[0].id == "170876000000000101");
  CHECK(page.records[0].parent_id == "170876000000000001");
  CHECK(page.records[1].id == "9007199254740993");
  CHECK(page.skipped.size() == 1);
  auto clients = projects::parse_clients_page(
      R"({"clients":[{"id":9007199254740993},{"id":"5"},{"id":0.5}]})");
  CHECK(clients.client_ids == std::vector<std::string>{"9007199254740993", "5"});
}

TEST_CASE(
    "contracts parser: the id is the row's id, exact beyond 2^53 - a number for an email is none") {
  auto list = contracts::parse_contacts(
      R"({"counterpartyusers":[{"id":"1","emailId":12345,"displayName":"N"},)"
      R"({"id":9007199254740993,"emailId":"ok@x.com"},{"id":0.5,"emailId":"half@x.com"}]})",
      "org");
  REQUIRE(list.records.size() == 1);
  CHECK(list.records[0].id == "9007199254740993");
  CHECK(list.records[0].fields.at("emailId") == "ok@x.com");
  CHECK(list.skipped.size() == 2);  // no readable email; a lossy number is no id
}

// ---- duplicate keys: the last one wins, in every parser (Boost.JSON) ----

TEST_CASE("duplicate keys in a JSON object: the last value wins in every parser") {
  auto c = crm::parse_record_page(
      R"({"data":[{"id":"1","Email":"first@x.com","Email":"last@x.com","id":"2"}]})");
  REQUIRE(c.records.size() == 1);
  CHECK(c.records[0].id == "2");
  CHECK(c.records[0].fields.at("Email") == "last@x.com");

  auto i = inv::parse_persons_page(
      inventory_page(R"({"contact_person_id":"1","email":"first@x.com","email":"last@x.com"})"));
  REQUIRE(i.persons.size() == 1);
  CHECK(i.persons[0].fields.at("email") == "last@x.com");

  auto p = projects::parse_contacts_page(R"([{"id":"1","email":"first@x.com","email":null}])");
  REQUIRE(p.records.size() == 1);
  CHECK(p.records[0].fields.at("email").empty());

  auto k = contracts::parse_contacts(
      R"({"counterpartyusers":[{"id":"1","emailId":"first@x.com","emailId":"last@x.com","id":"2"}]})",
      "org");
  REQUIRE(k.records.size() == 1);
  CHECK(k.records[0].id == "2");
  CHECK(k.records[0].fields.at("emailId") == "last@x.com");
}

// ---- odd text: read exactly, written back as valid JSON ----

TEST_CASE("odd names read byte for byte in every parser and CRM writes them back as valid JSON") {
  const std::string odd = kOddJson;
  const std::string control = kControlJson;
  auto c = crm::parse_record_page(R"({"data":[{"id":"1","Email":"a@x.com","First_Name":")" + odd +
                                  R"(","Last_Name":")" + control + R"("}]})");
  REQUIRE(c.records.size() == 1);
  CHECK(c.records[0].fields.at("First_Name") == kOddBytes);
  CHECK(c.records[0].fields.at("Last_Name") == kControlBytes);

  auto i = inv::parse_persons_page(inventory_page(R"({"contact_person_id":"1","first_name":")" +
                                                  odd + R"(","last_name":")" + control + R"("})"));
  CHECK(i.persons.at(0).fields.at("first_name") == kOddBytes);
  CHECK(i.persons.at(0).fields.at("last_name") == kControlBytes);

  auto p = projects::parse_contacts_page(R"([{"id":"1","first_name":")" + odd +
                                         R"(","last_name":")" + control + R"("}])");
  CHECK(p.records.at(0).fields.at("first_name") == kOddBytes);
  CHECK(p.records.at(0).fields.at("last_name") == kControlBytes);

  auto k = contracts::parse_contacts(
      R"({"counterpartyusers":[{"id":"1","emailId":"a@x.com","displayName":")" + odd + R"("}]})",
      "org");
  CHECK(k.records.at(0).fields.at("displayName") == kOddBytes);

  // Read, written, read again: the same bytes.
  const std::string body = crm::update_body({{"1", c.records[0].fields}});
  auto again = crm::parse_record_page(body);
  REQUIRE(again.records.size() == 1);
  CHECK(again.records[0].fields == c.records[0].fields);
}

TEST_CASE("a page with bytes that are not UTF-8 is a clear transient error, not a crash") {
  const std::string bad = "{\"data\":[{\"id\":\"1\",\"First_Name\":\"\xFF\xFE\"}]}";
  try {
    (void)crm::parse_record_page(bad);
    FAIL("no error");
  } catch (const ConnectorError& error) {
    CHECK(error.error_class() == ErrorClass::transient);
  }
  CHECK_THROWS_AS(inv::parse_persons_page(inventory_page("{\"first_name\":\"\xC3\"}")),
                  ConnectorError);
  CHECK_THROWS_AS(projects::parse_contacts_page("[{\"id\":\"1\",\"email\":\"\xED\xA0\x80\"}]"),
                  ConnectorError);
  CHECK_THROWS_AS(contracts::parse_contacts("{\"counterpartyusers\":[\"\xF8\"]}", "org"),
                  ConnectorError);
}

// ---- huge pages and fields ----

TEST_CASE("huge: a page of several MB and a 1 MB field parse in every parser, intact") {
  const std::string megabyte(1024 * 1024, 'm');
  const int rows = 20000;
  std::string c = R"({"data":[)", i, p = "[", k = R"({"counterpartyusers":[)";
  for (int n = 0; n < rows; ++n) {
    const std::string sep = n == 0 ? "" : ",";
    const std::string id = std::to_string(4150868000000000000LL + n);
    const std::string email = "person" + std::to_string(n) + "@example.com";
    const std::string name = n == 7 ? megabyte : "Name " + std::to_string(n);
    c +=
        sep + R"({"id":")" + id + R"(","Email":")" + email + R"(","Last_Name":")" + name +
        R"(","First_Name":"Fi","Phone":"+1 555 0100","Modified_Time":"2026-01-02T03:04:05+05:30"})";
    i += sep + R"({"contact_person_id":)" + id + R"(,"email":")" + email + R"(","last_name":")" +
         name + R"("})";
    p += sep + R"({"id":)" + id + R"(,"email":")" + email + R"(","last_name":")" + name + R"("})";
    k += sep + R"({"id":)" + id + R"(,"emailId":")" + email + R"(","displayName":")" + name +
         R"("})";
  }
  c += "]}";
  p += "]";
  k += "]}";
  CHECK(c.size() > 3 * 1024 * 1024);  // several MB

  const auto start = std::chrono::steady_clock::now();
  auto cp = crm::parse_record_page(c);
  auto ip = inv::parse_persons_page(inventory_page(i));
  auto pp = projects::parse_contacts_page(p);
  auto kp = contracts::parse_contacts(k, "org");
  const auto seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  MESSAGE("four pages of ", rows, " rows (CRM ", c.size() / 1024, " KiB) parsed in ", seconds,
          " s");
  REQUIRE(cp.records.size() == rows);
  REQUIRE(ip.persons.size() == rows);
  REQUIRE(pp.records.size() == rows);
  REQUIRE(kp.records.size() == rows);
  CHECK(cp.records[7].fields.at("Last_Name") == megabyte);
  CHECK(ip.persons[7].fields.at("last_name") == megabyte);
  CHECK(pp.records[7].fields.at("last_name") == megabyte);
  CHECK(kp.records[7].fields.at("displayName") == megabyte);
  CHECK(cp.records[rows - 1].id == std::to_string(4150868000000000000LL + rows - 1));
  CHECK(ip.persons[rows - 1].person_id == std::to_string(4150868000000000000LL + rows - 1));
}
