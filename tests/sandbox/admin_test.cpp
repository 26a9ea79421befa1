// The admin API (counters, dump, reset, edit), quirks, determinism,
// keep-alive and the startup time of a 2,000-person sandbox.
#include "tests/sandbox/test_client.hpp"

#include <doctest/doctest.h>
#include <boost/json/serialize.hpp>

using namespace zohosync::sandbox::test;
namespace json = boost::json;

namespace {

std::string str(const json::value& v) {
  return std::string(v.as_string());
}

}  // namespace

TEST_CASE("admin: zoho-sandbox --seed 1 --people 2000 is ready in under a second") {
  sandbox_process proc({"--seed", "1", "--people", "2000"});
  MESSAGE("startup of --seed 1 --people 2000: " << proc.startup_seconds() << " s");
  CHECK(proc.startup_seconds() < 1.0);
  session s(proc.port());
  auto dump = s.dump();
  CHECK(dump.at("crm").at("contacts").as_array().size() > 1000);
}

TEST_CASE(
    "admin: the same seed gives the same people, keep-alive serves many calls on one connection") {
  sandbox_process a({"--seed", "7", "--people", "100"});
  sandbox_process b({"--seed", "7", "--people", "100"});
  session sa(a.port()), sb(b.port());
  auto da = sa.dump(), db = sb.dump();
  auto emails = [](const json::object& d) {
    std::string out;
    for (const auto& c : d.at("crm").at("contacts").as_array()) {
      out += str(c.at("id")) + (c.at("Email").is_string() ? str(c.at("Email")) : "-") + ";";
    }
    for (const auto& c : d.at("contracts").at("counterpartyusers").as_array()) {
      out += str(c.at("emailId")) + ";";
    }
    return out;
  };
  CHECK(emails(da) == emails(db));

  int before = sa.client.connections_opened();
  for (int i = 0; i < 20; ++i)
    CHECK(sa.client.get("/crm/v8/Contacts/roles", sa.auth()).status == 200);
  CHECK(sa.client.connections_opened() == before);
}

TEST_CASE("admin: counters per product/method/path, reset restores the seeded state") {
  sandbox_process proc({"--people", "30"});
  session s(proc.port());
  for (int i = 0; i < 3; ++i)
    s.client.get("/crm/v8/Contacts/roles", s.auth());
  s.client.get(s.inv("/users"), s.auth());
  auto c = s.client.get("/__sandbox/counters").obj();
  CHECK(c.at("by_product").at("crm").as_int64() == 3);
  CHECK(c.at("by_product").at("inventory").as_int64() == 1);
  CHECK(c.at("by_product").at("accounts").as_int64() == 1);
  bool found = false;
  for (const auto& e : c.at("requests").as_array()) {
    if (e.at("product") == "crm" && e.at("method") == "GET" &&
        e.at("path") == "/crm/v8/Contacts/roles") {
      CHECK(e.at("count").as_int64() == 3);
      found = true;
    }
  }
  CHECK(found);

  auto original = s.dump();
  std::string id = str(original.at("crm").at("contacts").at(0).at("id"));
  REQUIRE(s.client.request("DELETE", "/crm/v8/Contacts/" + id, {}, s.auth()).status == 200);
  CHECK(s.dump().at("crm").at("contacts").as_array().size() ==
        original.at("crm").at("contacts").as_array().size() - 1);
  REQUIRE(s.admin_post("reset", "").status == 200);
  auto again = s.dump();
  CHECK(again.at("crm").at("contacts").as_array().size() ==
        original.at("crm").at("contacts").as_array().size());
  CHECK(str(again.at("crm").at("contacts").at(0).at("id")) == id);
  CHECK(s.client.get("/__sandbox/counters").obj().at("total").as_int64() == 0);
  // The token issued before the reset still works.
  CHECK(s.client.get("/crm/v8/Contacts/roles", s.auth()).status == 200);

  REQUIRE(s.admin_post("reset", R"({"people":3})").status == 200);
  CHECK(s.dump().at("crm").at("contacts").as_array().size() <= 4);
}

TEST_CASE("admin: edits act like a person in the product's UI") {
  sandbox_process proc({"--people", "40", "--no-email", "0"});
  session s(proc.port());
  auto dump = s.dump();
  auto user = dump.at("contracts").at("counterpartyusers").at(0).as_object();
  REQUIRE(s.admin_post("clock", R"({"advance":10})").status == 200);
  auto edited = s.admin_post("edit", R"({"product":"contracts","id":")" + str(user.at("id")) +
                                         R"(","fields":{"displayName":"Edited In UI"}})");
  REQUIRE(edited.status == 200);
  CHECK(str(edited.obj().at("record").at("modifiedTime")) > str(user.at("modifiedTime")));
  CHECK(edited.obj().at("record").at("name") == "Edited In UI");

  std::string cid = str(dump.at("projects").at("clients").at(0).at("id"));
  auto created = s.admin_post(
      "edit",
      R"({"product":"projects","op":"create","parent":")" + cid +
          R"(","fields":{"first_name":"Ui","last_name":"Made","email":"ui@x.example","projects":[]}})");
  REQUIRE(created.status == 201);
  CHECK(created.obj().at("record").at("displayName") == "Ui Made");
  std::string pid = str(created.obj().at("record").at("id"));
  auto rows =
      s.client.get(s.portal("/client/" + cid + "/contacts?range=200"), s.auth()).json().as_array();
  bool seen = false;
  for (const auto& r : rows)
    seen = seen || str(r.at("id")) == pid;
  CHECK(seen);

  std::string person =
      str(dump.at("inventory").at("contact_persons").at(0).at("contact_person_id"));
  CHECK(s.admin_post("edit", R"({"product":"inventory","op":"delete","id":")" + person + R"("})")
            .status == 200);
  // Records created from the UI carry every field the APIs list.
  std::string contact = str(dump.at("inventory").at("contacts").at(0).at("contact_id"));
  auto ui_person = s.admin_post("edit", R"({"product":"inventory","op":"create","parent":")" +
                                            contact + R"(","fields":{"first_name":"Ui"}})");
  REQUIRE(ui_person.status == 201);
  CHECK(s.client.get(s.inv("/contacts"), s.auth()).status == 200);
  auto persons = s.client.get(s.inv("/contacts/" + contact + "/contactpersons"), s.auth());
  CHECK(persons.body.find("\"first_name\":\"Ui\"") != std::string::npos);
  auto ui_crm =
      s.admin_post("edit", R"({"product":"crm","op":"create","fields":{"Last_Name":"Ui"}})");
  REQUIRE(ui_crm.status == 201);
  std::string crm_id = str(ui_crm.obj().at("record").at("id"));
  auto got = s.client.get("/crm/v8/Contacts/" + crm_id, s.auth());
  REQUIRE(got.status == 200);
  CHECK(got.obj().at("data").at(0).at("Modified_Time").is_string());

  CHECK(s.admin_post("edit", R"({"product":"crm","id":"nope"})").status == 404);
  CHECK(s.admin_post("edit", R"({"product":"nothing"})").status == 400);
}

TEST_CASE("quirks: products lower-case emails, trim names and reformat phones when told to") {
  sandbox_process proc(
      {"--people", "10", "--quirks", "crm:lowercase_email,crm:format_phone,projects:trim_names"});
  session s(proc.port());
  auto ins = s.client.request(
      "POST", "/crm/v8/Contacts",
      R"({"data":[{"Last_Name":"Quirk","Email":"Mixed.Case@Example.COM","Phone":"+1 925 921 9201"}]})",
      s.auth());
  REQUIRE(ins.status == 201);
  std::string id = str(ins.obj().at("data").at(0).at("details").at("id"));
  auto got = s.client.get("/crm/v8/Contacts/" + id, s.auth()).obj().at("data").at(0).as_object();
  CHECK(got.at("Email") == "mixed.case@example.com");
  CHECK(got.at("Phone") == "+1 (925) 921-9201");

  std::string cid = str(s.dump().at("projects").at("clients").at(0).at("id"));
  auto created = s.client.request(
      "POST", s.portal("/contacts"),
      R"({"clientId":")" + cid +
          R"(","contacts":[{"first_name":"  Ann ","last_name":"Lee  ","email":"Ann.Lee@x.example"}]})",
      s.auth());
  REQUIRE(created.status == 201);
  auto c = created.obj().at("contacts").at(0).as_object();
  CHECK(c.at("first_name") == "Ann");
  CHECK(c.at("last_name") == "Lee");
  CHECK(c.at("email") == "Ann.Lee@x.example");  // Projects keeps case unless told otherwise

  auto knobs = s.admin_post("knobs", R"({"quirks":"projects:lowercase_email"})");
  REQUIRE(knobs.status == 200);
  CHECK(knobs.obj().at("quirks").at("projects").at("lowercase_email").as_bool());
}

TEST_CASE("admin: info lists every access token issued, superseded ones too") {
  sandbox_process proc({"--people", "2", "--max-tokens", "1"});
  session s(proc.port());
  CHECK(s.client.get("/__sandbox/info").obj().at("issued_tokens").as_array().empty());
  const std::string first = s.token();
  session other(proc.port());
  const std::string second = other.token();
  REQUIRE(first != second);
  const auto issued = s.client.get("/__sandbox/info").obj().at("issued_tokens").as_array();
  REQUIRE(issued.size() == 2);
  CHECK(str(issued.at(0)) == first);
  CHECK(str(issued.at(1)) == second);
}
