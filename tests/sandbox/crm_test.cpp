// CRM v8 Contacts and contact roles, driven over HTTP.
#include "tests/sandbox/test_client.hpp"

#include <doctest/doctest.h>
#include <boost/json/serialize.hpp>

#include <set>
#include <string>

using namespace zohosync::sandbox::test;
namespace json = boost::json;

namespace {

const std::string kList = "/crm/v8/Contacts?fields=First_Name,Last_Name,Email,Modified_Time";

std::string str(const json::value& v) {
  return std::string(v.as_string());
}

json::object first_error_details(const http_reply& r) {
  return r.obj().at("data").as_array().at(0).as_object().at("details").as_object();
}

std::string now_of(session& s) {
  return str(s.client.get("/__sandbox/clock").obj().at("now"));
}

}  // namespace

TEST_CASE("crm: list needs fields, caps per_page at 200, and refuses page beyond 2,000 records") {
  sandbox_process proc({"--seed", "3", "--people", "3000", "--no-limits"});
  session s(proc.port());
  auto dump = s.dump();
  auto total = dump.at("crm").at("contacts").as_array().size();
  REQUIRE(total > 2000);

  auto no_fields = s.client.get("/crm/v8/Contacts", s.auth());
  CHECK(no_fields.status == 400);
  CHECK(no_fields.obj().at("code") == "REQUIRED_PARAM_MISSING");
  auto big = s.client.get(kList + "&per_page=201", s.auth());
  CHECK(big.status == 400);
  CHECK(big.obj().at("code") == "INVALID_DATA");

  std::set<std::string> seen;
  std::string token;
  for (int page = 1; page <= 10; ++page) {
    auto r = s.client.get(kList + "&per_page=200&page=" + std::to_string(page), s.auth());
    REQUIRE(r.status == 200);
    auto body = r.obj();
    CHECK(body.at("info").at("more_records").as_bool());
    CHECK(body.at("info").at("count").as_int64() == 200);
    for (const auto& rec : body.at("data").as_array())
      seen.insert(str(rec.at("id")));
    token = str(body.at("info").at("next_page_token"));
  }
  auto beyond = s.client.get(kList + "&per_page=200&page=11", s.auth());
  CHECK(beyond.status == 400);
  CHECK(beyond.obj().at("code") == "DISCRETE_PAGINATION_LIMIT_EXCEEDED");
  auto both = s.client.get(kList + "&page=2&page_token=" + token, s.auth());
  CHECK(both.status == 400);

  // page_token carries on past the boundary until more_records is false.
  for (int guard = 0; guard < 50; ++guard) {
    auto r = s.client.get("/crm/v8/Contacts?per_page=200&page_token=" + token, s.auth());
    REQUIRE(r.status == 200);
    auto body = r.obj();
    for (const auto& rec : body.at("data").as_array())
      seen.insert(str(rec.at("id")));
    if (!body.at("info").at("more_records").as_bool()) {
      CHECK(body.at("info").at("next_page_token").is_null());
      break;
    }
    token = str(body.at("info").at("next_page_token"));
  }
  CHECK(seen.size() == total);
  auto bad_token = s.client.get("/crm/v8/Contacts?page_token=nonsense", s.auth());
  CHECK(bad_token.status == 400);
}

TEST_CASE("crm: 204 when empty, If-Modified-Since gives only newer records or 304") {
  SUBCASE("no records at all") {
    sandbox_process proc({"--people", "0"});
    session s(proc.port());
    auto r = s.client.get(kList, s.auth());
    CHECK(r.status == 204);
    CHECK(r.body.empty());
  }
  SUBCASE("modified since") {
    sandbox_process proc({"--people", "40"});
    session s(proc.port());
    auto since = now_of(s);
    auto r =
        s.client.get(kList, {{"Authorization", s.auth()[0].second}, {"If-Modified-Since", since}});
    CHECK(r.status == 304);
    CHECK(r.body.empty());

    auto list = s.client.get(kList, s.auth()).obj();
    std::string id = str(list.at("data").as_array().at(0).at("id"));
    REQUIRE(s.admin_post("clock", R"({"advance":5})").status == 200);
    auto upd = s.client.request("PUT", "/crm/v8/Contacts/" + id,
                                R"({"data":[{"Title":"Chief Tester"}]})", s.auth());
    REQUIRE(upd.status == 200);
    auto newer = s.client.get(
        kList + ",Title", {{"Authorization", s.auth()[0].second}, {"If-Modified-Since", since}});
    REQUIRE(newer.status == 200);
    auto data = newer.obj().at("data").as_array();
    REQUIRE(data.size() == 1);
    CHECK(str(data[0].at("id")) == id);
    CHECK(data[0].at("Title") == "Chief Tester");

    // A UI edit through the admin API also counts as a modification.
    REQUIRE(s.admin_post("clock", R"({"advance":5})").status == 200);
    auto since2 = now_of(s);
    REQUIRE(s.admin_post("clock", R"({"advance":5})").status == 200);
    auto edit = s.admin_post(
        "edit", R"({"product":"crm","id":")" + id + R"(","fields":{"Phone":"555-0100"}})");
    REQUIRE(edit.status == 200);
    auto after_edit =
        s.client.get(kList, {{"Authorization", s.auth()[0].second}, {"If-Modified-Since", since2}});
    REQUIRE(after_edit.status == 200);
    CHECK(after_edit.obj().at("data").as_array().size() == 1);
  }
}

TEST_CASE("crm: inserts answer per record, 201 / 207 / 400, with field length limits") {
  sandbox_process proc({"--people", "30", "--no-email", "0"});
  session s(proc.port());
  auto existing = str(s.dump().at("crm").at("contacts").as_array().at(0).at("Email"));

  std::string long_first(41, 'a');
  auto mixed = s.client.request("POST", "/crm/v8/Contacts",
                                R"({"data":[{"Last_Name":"New","Email":"new.person@x.example"},)"
                                R"({"Last_Name":"Dup","Email":")" +
                                    existing +
                                    R"("},)"
                                    R"({"First_Name":"NoLast"},)"
                                    R"({"Last_Name":"Long","First_Name":")" +
                                    long_first + R"("}],"trigger":[]})",
                                s.auth());
  CHECK(mixed.status == 207);
  auto data = mixed.obj().at("data").as_array();
  REQUIRE(data.size() == 4);
  CHECK(data[0].at("code") == "SUCCESS");
  CHECK(data[0].at("message") == "record added");
  CHECK(data[0].at("details").at("Modified_Time").is_string());
  CHECK(data[1].at("code") == "DUPLICATE_DATA");
  CHECK(data[1].at("details").at("api_name") == "Email");
  CHECK(data[2].at("code") == "MANDATORY_NOT_FOUND");
  CHECK(data[2].at("details").at("api_name") == "Last_Name");
  CHECK(data[3].at("code") == "INVALID_DATA");
  CHECK(data[3].at("details").at("api_name") == "First_Name");
  CHECK(data[3].at("details").at("maximum_length").as_int64() == 40);

  auto ok =
      s.client.request("POST", "/crm/v8/Contacts",
                       R"({"data":[{"Last_Name":"Solo","Email":"solo@x.example"}]})", s.auth());
  CHECK(ok.status == 201);
  auto dup_case =
      s.client.request("POST", "/crm/v8/Contacts",
                       R"({"data":[{"Last_Name":"Solo","Email":"SOLO@X.example"}]})", s.auth());
  CHECK(dup_case.status == 400);
  CHECK(dup_case.obj().at("data").at(0).at("code") == "DUPLICATE_DATA");

  std::string many = R"({"data":[)";
  for (int i = 0; i < 101; ++i)
    many += std::string(i ? "," : "") + R"({"Last_Name":"X"})";
  auto too_many = s.client.request("POST", "/crm/v8/Contacts", many + "]}", s.auth());
  CHECK(too_many.status == 400);
  CHECK(too_many.obj().at("code") == "LIMIT_EXCEEDED");

  auto phone = s.client.request(
      "POST", "/crm/v8/Contacts",
      R"({"data":[{"Last_Name":"P","Phone":")" + std::string(31, '1') + R"("}]})", s.auth());
  CHECK(phone.status == 400);
  CHECK(first_error_details(phone).at("maximum_length").as_int64() == 30);
}

TEST_CASE("crm: update and upsert move Modified_Time, delete feeds /deleted, search by email") {
  sandbox_process proc({"--people", "30", "--no-email", "0", "--email-variants", "0"});
  session s(proc.port());
  auto first = s.dump().at("crm").at("contacts").as_array().at(0).as_object();
  std::string id = str(first.at("id"));
  std::string email = str(first.at("Email"));
  std::string before = str(first.at("Modified_Time"));

  REQUIRE(s.admin_post("clock", R"({"advance":60})").status == 200);
  auto upd =
      s.client.request("PUT", "/crm/v8/Contacts",
                       R"({"data":[{"id":")" + id + R"(","Title":"Boss"},{"id":"1"}]})", s.auth());
  CHECK(upd.status == 207);
  auto d = upd.obj().at("data").as_array();
  CHECK(d[0].at("code") == "SUCCESS");
  CHECK(d[1].at("code") == "INVALID_DATA");
  std::string after = str(d[0].at("details").at("Modified_Time"));
  CHECK(after > before);

  auto ups = s.client.request(
      "POST", "/crm/v8/Contacts/upsert",
      R"({"data":[{"Last_Name":"Again","Email":")" + email +
          R"("},)"
          R"({"Last_Name":"Fresh","Email":"fresh@x.example"}],"duplicate_check_fields":["Email"]})",
      s.auth());
  REQUIRE(ups.status == 200);
  auto u = ups.obj().at("data").as_array();
  CHECK(u[0].at("action") == "update");
  CHECK(u[0].at("duplicate_field") == "Email");
  CHECK(str(u[0].at("details").at("id")) == id);
  CHECK(u[1].at("action") == "insert");

  std::string upper = email;
  for (char& c : upper)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  auto found = s.client.get("/crm/v8/Contacts/search?email=" + upper, s.auth());
  REQUIRE(found.status == 200);
  CHECK(str(found.obj().at("data").at(0).at("id")) == id);
  CHECK(s.client.get("/crm/v8/Contacts/search?email=nobody@none.example", s.auth()).status == 204);

  auto since = now_of(s);
  REQUIRE(s.admin_post("clock", R"({"advance":5})").status == 200);
  auto del = s.client.request("DELETE", "/crm/v8/Contacts?ids=" + id + ",999", {}, s.auth());
  CHECK(del.status == 207);
  CHECK(s.client.get("/crm/v8/Contacts/" + id, s.auth()).status == 204);
  auto gone = s.client.get("/crm/v8/Contacts/deleted?type=all",
                           {{"Authorization", s.auth()[0].second}, {"If-Modified-Since", since}});
  REQUIRE(gone.status == 200);
  auto rows = gone.obj().at("data").as_array();
  REQUIRE(rows.size() == 1);
  CHECK(str(rows[0].at("id")) == id);
  CHECK(rows[0].at("type") == "recycle");
  auto later = s.client.get("/crm/v8/Contacts/deleted", {{"Authorization", s.auth()[0].second},
                                                         {"If-Modified-Since", now_of(s)}});
  CHECK(later.status == 304);
}

TEST_CASE(
    "crm: contact roles list, create with DUPLICATE_DATA on a repeated name, update, delete") {
  sandbox_process proc({"--people", "5"});
  session s(proc.port());
  auto list = s.client.get("/crm/v8/Contacts/roles", s.auth());
  REQUIRE(list.status == 200);
  auto roles = list.obj().at("contact_roles").as_array();
  REQUIRE(!roles.empty());
  std::string existing = str(roles[0].at("name"));

  auto created =
      s.client.request("POST", "/crm/v8/Contacts/roles",
                       R"({"contact_roles":[{"name":"Sales Lead","sequence_number":20},{"name":")" +
                           existing + R"("},{"name":")" + std::string(51, 'r') + R"("}]})",
                       s.auth());
  CHECK(created.status == 207);
  auto res = created.obj().at("contact_roles").as_array();
  CHECK(res[0].at("code") == "SUCCESS");
  CHECK(res[0].at("message") == "contact role added");
  CHECK(res[1].at("code") == "DUPLICATE_DATA");
  CHECK(res[2].at("code") == "INVALID_DATA");
  std::string new_id = str(res[0].at("details").at("id"));

  auto renamed = s.client.request("PUT", "/crm/v8/Contacts/roles",
                                  R"({"contact_roles":[{"id":")" + new_id +
                                      R"(","name":"Quality Control","sequence_number":6}]})",
                                  s.auth());
  CHECK(renamed.status == 200);
  CHECK(renamed.obj().at("contact_roles").at(0).at("message") == "contact role updated");
  auto one = s.client.get("/crm/v8/Contacts/roles/" + new_id, s.auth());
  CHECK(one.obj().at("contact_roles").at(0).at("name") == "Quality Control");
  auto dup_rename =
      s.client.request("PUT", "/crm/v8/Contacts/roles/" + new_id,
                       R"({"contact_roles":[{"name":")" + existing + R"("}]})", s.auth());
  CHECK(dup_rename.status == 400);
  auto del = s.client.request("DELETE", "/crm/v8/Contacts/roles/" + new_id, {}, s.auth());
  CHECK(del.status == 200);
  CHECK(del.obj().at("contact_roles").at(0).at("message") == "contact role deleted");
}

TEST_CASE("crm: field metadata states the lengths the write side enforces") {
  sandbox_process proc({"--people", "5", "--crm-credits", "6"});
  session s(proc.port());
  CHECK(s.client.get("/crm/v8/settings/fields", s.auth()).status == 400);
  CHECK(s.client.get("/crm/v8/settings/fields?module=Deals", s.auth()).obj().at("code") ==
        "INVALID_MODULE");
  auto r = s.client.get("/crm/v8/settings/fields?module=Contacts", s.auth());
  REQUIRE(r.status == 200);
  auto fields = r.obj().at("fields").as_array();
  std::int64_t last_len = 0;
  for (const auto& f : fields) {
    if (f.at("api_name") == "Last_Name") {
      last_len = f.at("length").as_int64();
      CHECK(f.at("system_mandatory").as_bool());
    }
  }
  REQUIRE(last_len == 80);
  auto too_long =
      s.client.request("POST", "/crm/v8/Contacts",
                       R"({"data":[{"Last_Name":")" +
                           std::string(static_cast<std::size_t>(last_len) + 1, 'x') + R"("}]})",
                       s.auth());
  CHECK(too_long.status == 400);
  CHECK(first_error_details(too_long).at("maximum_length").as_int64() == last_len);

  // Five of the six credits are used now (over half): the remainder is reported.
  auto fifth = s.client.get("/crm/v8/Contacts/roles", s.auth());
  CHECK(fifth.headers.at("x-api-credits-remaining") == "1");
  CHECK(s.client.get("/crm/v8/Contacts/roles", s.auth()).status == 200);
  CHECK(s.client.get("/crm/v8/Contacts/roles", s.auth()).status == 429);
}

TEST_CASE("crm: list by ids= and a Date header on the sandbox clock") {
  sandbox_process proc({"--people", "30", "--no-limits", "--token-ttl", "400000000"});
  session s(proc.port());
  auto all = s.client.get(kList, s.auth()).obj().at("data").as_array();
  REQUIRE(all.size() >= 3);
  const std::string a = str(all[0].at("id")), b = str(all[2].at("id"));
  auto some = s.client.get(kList + "&ids=" + a + "," + b, s.auth());
  REQUIRE(some.status == 200);
  std::set<std::string> ids;
  const auto body = some.obj();
  for (const auto& row : body.at("data").as_array())
    ids.insert(str(row.at("id")));
  CHECK(ids == std::set<std::string>{a, b});
  CHECK(s.client.get(kList + "&ids=1", s.auth()).status == 204);

  // The Date header follows the sandbox clock, not the wall clock.
  REQUIRE(s.admin_post("clock", R"({"set":"2031-05-06T07:08:09+00:00"})").status == 200);
  auto dated = s.client.get(kList, s.auth());
  REQUIRE(dated.headers.count("date") == 1);
  CHECK(dated.headers.at("date").substr(0, 16) == "Tue, 06 May 2031");
}

TEST_CASE("crm: the Email duplicate check follows inserts, updates, deletes and admin edits") {
  sandbox_process proc({"--seed", "3", "--people", "50", "--no-limits"});
  session s(proc.port());
  auto insert = [&](const std::string& email) {
    return s.client.request("POST", "/crm/v8/Contacts",
                            R"({"data":[{"Last_Name":"Dup","Email":")" + email + R"("}]})",
                            s.auth());
  };
  auto code_of = [](const auto& reply) {
    return std::string(reply.obj().at("data").at(0).at("code").as_string());
  };
  auto first = insert("first@dup.example");
  REQUIRE(first.status == 201);
  const std::string id(first.obj().at("data").at(0).at("details").at("id").as_string());
  CHECK(code_of(insert("FIRST@dup.example")) == "DUPLICATE_DATA");

  // Its email changed: the old one is free, the new one taken.
  auto moved = s.client.request("PUT", "/crm/v8/Contacts/" + id,
                                R"({"data":[{"Email":"second@dup.example"}]})", s.auth());
  REQUIRE(moved.status == 200);
  CHECK(code_of(insert("Second@dup.example")) == "DUPLICATE_DATA");
  CHECK(code_of(insert("first@dup.example")) == "SUCCESS");

  // Changed by the admin API, then deleted through the API.
  REQUIRE(s.admin_post("edit", R"({"product":"crm","op":"update","id":")" + id +
                                   R"(","fields":{"Email":"third@dup.example"}})")
              .status == 200);
  CHECK(code_of(insert("third@dup.example")) == "DUPLICATE_DATA");
  CHECK(code_of(insert("second@dup.example")) == "SUCCESS");
  REQUIRE(s.client.request("DELETE", "/crm/v8/Contacts?ids=" + id, "", s.auth()).status == 200);
  CHECK(code_of(insert("third@dup.example")) == "SUCCESS");
}
