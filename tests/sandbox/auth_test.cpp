// OAuth token endpoint, token expiry, missing tokens and scope mismatches.
#include "tests/sandbox/test_client.hpp"

#include <doctest/doctest.h>
#include <boost/json/serialize.hpp>

using namespace zohosync::sandbox::test;
namespace json = boost::json;

namespace {

http_reply token_call(session& s, const std::string& client_id, const std::string& secret,
                      const std::string& refresh) {
  return s.client.request("POST", "/oauth/v2/token",
                          "grant_type=refresh_token&client_id=" + client_id +
                              "&client_secret=" + secret + "&refresh_token=" + refresh,
                          {{"Content-Type", "application/x-www-form-urlencoded"}});
}

std::string str(const json::value& v) {
  return std::string(v.as_string());
}

}  // namespace

TEST_CASE("oauth: bad client is HTTP 200 invalid_client, 10 token requests per 10 minutes") {
  sandbox_process proc(
      {"--people", "5", "--client-id", "cid", "--client-secret", "sec", "--refresh-token", "rt"});
  session s(proc.port());
  CHECK(str(s.info.at("client_id")) == "cid");
  auto bad = token_call(s, "cid", "wrong", "rt");
  CHECK(bad.status == 200);
  CHECK(bad.obj().at("error") == "invalid_client");
  auto bad_rt = token_call(s, "cid", "sec", "nope");
  CHECK(bad_rt.status == 200);
  CHECK(bad_rt.obj().at("error") == "invalid_code");
  CHECK(!bad_rt.obj().contains("access_token"));

  for (int i = 0; i < 10; ++i) {
    auto ok = token_call(s, "cid", "sec", "rt");
    CHECK(ok.obj().contains("access_token"));
  }
  auto throttled = token_call(s, "cid", "sec", "rt");
  CHECK(throttled.status == 400);
  CHECK(throttled.obj().at("error") == "Access Denied");
  CHECK(throttled.obj().contains("error_description"));
  REQUIRE(s.admin_post("clock", R"({"advance":600})").status == 200);
  CHECK(token_call(s, "cid", "sec", "rt").obj().contains("access_token"));
}

TEST_CASE("oauth: at most N live tokens, the oldest stops working") {
  sandbox_process proc({"--people", "5", "--token-limit", "0", "--max-tokens", "2"});
  session s(proc.port());
  std::string a = s.token();
  s.token_.clear();
  std::string b = s.token();
  s.token_.clear();
  std::string c = s.token();
  auto list = [&](const std::string& t) {
    return s.client.get("/crm/v8/Contacts/roles", {{"Authorization", "Zoho-oauthtoken " + t}})
        .status;
  };
  CHECK(list(a) == 401);
  CHECK(list(b) == 200);
  CHECK(list(c) == 200);
}

TEST_CASE("auth: expired and missing tokens get 401 with each product's own body") {
  sandbox_process proc({"--people", "20", "--token-ttl", "60"});
  session s(proc.port());
  std::string org = "&organization_id=" + str(s.info.at("inventory").at("organization_id"));
  std::string crm = "/crm/v8/Contacts?fields=Last_Name";
  std::string inv = "/inventory/v1/contacts?x=1" + org;
  std::string prj = s.portal("/clients");
  std::string con = "/api/v1/counterparties";
  for (const auto& p : {crm, inv, prj, con})
    CHECK(s.client.get(p, s.auth()).status == 200);

  auto missing_crm = s.client.get(crm);
  CHECK(missing_crm.status == 401);
  CHECK(missing_crm.obj().at("status") == "error");
  auto bearer = s.client.get(crm, {{"Authorization", "Bearer " + s.token()}});
  CHECK(bearer.status == 401);

  REQUIRE(s.admin_post("clock", R"({"advance":61})").status == 200);
  auto crm_r = s.client.get(crm, s.auth());
  CHECK(crm_r.status == 401);
  CHECK(crm_r.obj().at("code") == "INVALID_TOKEN");
  auto inv_r = s.client.get(inv, s.auth());
  CHECK(inv_r.status == 401);
  CHECK(inv_r.obj().at("code").as_int64() == 57);
  auto prj_r = s.client.get(prj, s.auth());
  CHECK(prj_r.status == 401);
  CHECK(prj_r.obj().at("error").at("status_code") == "401");
  auto con_r = s.client.get(con, s.auth());
  CHECK(con_r.status == 401);
  CHECK(con_r.obj().contains("code"));
}

TEST_CASE("auth: a token without a product's scope gets OAUTH_SCOPE_MISMATCH (Inventory: 57)") {
  sandbox_process proc({"--people", "20", "--scopes", "ZohoInventory.contacts.READ"});
  session s(proc.port());
  CHECK(s.client.get(s.inv("/contacts"), s.auth()).status == 200);
  auto inv_write = s.client.request("POST", s.inv("/contacts/contactpersons"),
                                    R"({"contact_id":"1","first_name":"A"})", s.auth());
  CHECK(inv_write.status == 401);
  CHECK(inv_write.obj().at("code").as_int64() == 57);
  auto users = s.client.get(s.inv("/users"), s.auth());
  CHECK(users.status == 401);
  auto crm = s.client.get("/crm/v8/Contacts?fields=Last_Name", s.auth());
  CHECK(crm.status == 401);
  CHECK(crm.obj().at("code") == "OAUTH_SCOPE_MISMATCH");
  auto con = s.client.get("/api/v1/counterparties", s.auth());
  CHECK(con.status == 401);
  CHECK(con.obj().at("code") == "OAUTH_SCOPE_MISMATCH");
  auto prj = s.client.get(s.portal("/clients"), s.auth());
  CHECK(prj.status == 401);
  CHECK(prj.obj().at("error").at("title") == "OAUTH_SCOPE_MISMATCH");
}
