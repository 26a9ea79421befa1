// Projects v3 client contacts and Contracts counterparty contacts.
#include "tests/sandbox/test_client.hpp"

#include <doctest/doctest.h>
#include <boost/json/serialize.hpp>

#include <set>

using namespace zohosync::sandbox::test;
namespace json = boost::json;

namespace {

std::string str(const json::value& v) {
  return std::string(v.as_string());
}

}  // namespace

TEST_CASE("projects: contacts per client page by index/range as a bare array") {
  sandbox_process proc({"--people", "300", "--no-limits"});
  session s(proc.port());
  auto clients = s.client.get(s.portal("/clients"), s.auth());
  REQUIRE(clients.status == 200);
  // The first client that has contacts (the fixed "New People" client has none).
  auto all_contacts = s.dump().at("projects").at("contacts").as_array();
  std::string cid;
  std::size_t expected = 0;
  const auto client_list = clients.obj().at("clients").as_array();
  for (const auto& client : client_list) {
    cid = str(client.as_object().at("id"));
    expected = 0;
    for (const auto& c : all_contacts) {
      if (str(c.at("clientId")) == cid)
        ++expected;
    }
    if (expected > 0)
      break;
  }
  REQUIRE(expected > 0);
  std::set<std::string> seen;
  for (int index = 1, guard = 0; guard < 100; ++guard) {
    auto r = s.client.get(
        s.portal("/client/" + cid + "/contacts?index=" + std::to_string(index) + "&range=1"),
        s.auth());
    REQUIRE(r.status == 200);
    auto arr = r.json().as_array();  // bare array, no envelope
    for (const auto& c : arr) {
      seen.insert(str(c.at("id")));
      CHECK(c.at("crm_contactId") == "-1");
      CHECK(c.at("displayName").is_string());
    }
    if (arr.size() < 1)
      break;
    index += 1;
  }
  CHECK(seen.size() == expected);
  CHECK(s.client.get(s.portal("/client/1/contacts"), s.auth()).status == 404);
  CHECK(s.client.get("/api/v3/portal/999/clients", s.auth()).status == 404);
}

TEST_CASE("projects: create reports existing emails inside a 201, update, delete, associate") {
  sandbox_process proc({"--people", "60", "--no-limits"});
  session s(proc.port());
  auto dump = s.dump();
  std::string cid = str(dump.at("projects").at("clients").at(0).at("id"));
  std::string pid = str(dump.at("projects").at("projects").at(0).at("id"));
  std::string taken = str(dump.at("projects").at("contacts").at(0).at("email"));
  std::string taken_upper = taken;
  for (char& c : taken_upper)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));

  auto r = s.client.request(
      "POST", s.portal("/contacts"),
      R"({"clientId":)" + cid + R"(,"workprojects":[)" + pid +
          R"(],"contacts":[{"first_name":"Alvero","last_name":"Morte","email":"alvero@x.example","invoice_rate":66},)"
          R"({"first_name":"Alba","last_name":"Flores","email":")" +
          taken_upper + R"("}]})",
      s.auth());
  REQUIRE(r.status == 201);
  auto body = r.obj();
  REQUIRE(body.at("contacts").as_array().size() == 1);
  auto created = body.at("contacts").at(0).as_object();
  CHECK(created.at("invoice_rate") == "66.0");
  CHECK(created.at("displayName") == "Alvero Morte");
  CHECK(body.at("error").at("title") == "EXISTING_USER_OR_CONTACT");
  CHECK(body.at("error").at("status_code") == "207");
  CHECK(str(body.at("error").at("details").at(0).at("field_value")) == taken_upper);
  std::string id = str(created.at("id"));

  auto missing = s.client.request(
      "POST", s.portal("/contacts"),
      R"({"clientId":)" + cid + R"(,"contacts":[{"first_name":"A","email":"a@x.example"}]})",
      s.auth());
  CHECK(missing.status == 400);

  auto upd = s.client.request("PATCH", s.portal("/contacts/" + id),
                              R"({"last_name":"Morte-Lopez","projects":[]})", s.auth());
  REQUIRE(upd.status == 200);
  CHECK(upd.obj().at("displayName") == "Alvero Morte-Lopez");
  CHECK(upd.obj().at("projects").as_array().empty());

  auto assoc = s.client.request("POST", s.portal("/project/" + pid + "/contacts"),
                                R"({"contactIds":[")" + id + R"("]})", s.auth());
  CHECK(assoc.status == 204);
  auto in_project =
      s.client.get(s.portal("/project/" + pid + "/client/" + cid + "/contacts"), s.auth());
  bool found = false;
  auto in_project_rows = in_project.json().as_array();
  for (const auto& c : in_project_rows)
    found = found || str(c.at("id")) == id;
  CHECK(found);
  CHECK(s.client.request("DELETE", s.portal("/project/" + pid + "/contacts/" + id), {}, s.auth())
            .status == 204);
  CHECK(s.client.request("DELETE", s.portal("/contacts/" + id), {}, s.auth()).status == 204);
  CHECK(s.client.request("PATCH", s.portal("/contacts/" + id), R"({"first_name":"X"})", s.auth())
            .status == 404);
}

TEST_CASE("projects: more than the window's allowance locks the API out") {
  sandbox_process proc({"--people", "10", "--projects-per-window", "5", "--projects-window", "120",
                        "--projects-lockout", "1800"});
  session s(proc.port());
  for (int i = 0; i < 5; ++i)
    CHECK(s.client.get(s.portal("/clients"), s.auth()).status == 200);
  auto locked = s.client.get(s.portal("/clients"), s.auth());
  CHECK(locked.status == 429);
  CHECK(locked.obj().at("error").at("title") == "TOO_MANY_REQUESTS");
  REQUIRE(s.admin_post("clock", R"({"advance":300})").status == 200);
  CHECK(s.client.get(s.portal("/clients"), s.auth()).status == 429);  // still locked out
  REQUIRE(s.admin_post("clock", R"({"advance":1500})").status == 200);
  CHECK(s.client.get(s.portal("/clients"), s.auth()).status == 200);
}

TEST_CASE("contracts: counterparty contacts list, create, update moves the email key, delete") {
  sandbox_process proc({"--people", "120", "--no-limits"});
  session s(proc.port());
  auto orgs = s.info.at("contracts").at("organizations").as_array();
  REQUIRE(!orgs.empty());
  std::string org = str(orgs[0]);
  auto cps = s.client.get("/api/v1/counterparties", s.auth());
  REQUIRE(cps.status == 200);
  CHECK(cps.obj().at("counterparties").as_array().size() == orgs.size());

  std::string base = "/api/v1/counterparties/" + org + "/counterpartyusers";
  auto created = s.client.request(
      "POST", base,
      R"({"displayName":"Ian Walker","emailId":"ian.walker@abc.example","jobTitle":"CTO"})",
      s.auth());
  REQUIRE(created.status == 201);
  CHECK(created.obj().at("counterpartyusers").at(0).at("emailId") == "ian.walker@abc.example");
  auto dup = s.client.request(
      "POST", base, R"({"displayName":"Ian","emailId":"Ian.Walker@abc.example"})", s.auth());
  CHECK(dup.status == 409);

  auto all = s.client.get(base + "?status=all", s.auth()).obj().at("counterpartyusers").as_array();
  auto active = s.client.get(base, s.auth()).obj().at("counterpartyusers").as_array();
  CHECK(active.size() <= all.size());
  for (const auto& u : active)
    CHECK(u.at("status") == "active");
  std::string before;
  for (const auto& u : all) {
    if (u.at("emailId") == "ian.walker@abc.example")
      before = str(u.at("modifiedTime"));
  }
  REQUIRE(!before.empty());

  REQUIRE(s.admin_post("clock", R"({"advance":60})").status == 200);
  auto upd = s.client.request("PUT", base + "/ian.walker@abc.example/",
                              R"({"emailId":"ian@abc.example","displayName":"Ian W."})", s.auth());
  REQUIRE(upd.status == 200);
  CHECK(upd.obj().at("emailId") == "ian@abc.example");
  auto old_key = s.client.request("PUT", base + "/ian.walker@abc.example/",
                                  R"({"displayName":"X"})", s.auth());
  CHECK(old_key.status == 404);
  // The seed's literal UPDATE method is served like PUT.
  auto upd2 = s.client.request("UPDATE", base + "/ian@abc.example",
                               R"({"displayName":"Ian Walker"})", s.auth());
  CHECK(upd2.status == 200);
  std::string after;
  auto rows = s.client.get(base + "?status=all", s.auth()).obj().at("counterpartyusers").as_array();
  for (const auto& u : rows) {
    if (u.at("emailId") == "ian@abc.example") {
      after = str(u.at("modifiedTime"));
      CHECK(u.at("displayName") == "Ian Walker");
    }
  }
  CHECK(after > before);
  CHECK(
      s.client.request("DELETE", base + "/ian@abc.example/", R"({"makeAnonymous":false})", s.auth())
          .status == 200);
  CHECK(s.client.request("DELETE", base + "/ian@abc.example/", {}, s.auth()).status == 404);
  CHECK(s.client.get("/api/v1/counterparties/NoSuchOrg/counterpartyusers", s.auth()).status == 404);
}
