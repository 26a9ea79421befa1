// Process contract, OAuth and the admin API.
#include "tests/sandbox/test_client.hpp"

#include <doctest/doctest.h>
#include <boost/json/serialize.hpp>

#include <sys/wait.h>

using namespace zohosync::sandbox::test;
namespace json = boost::json;

TEST_CASE(
    "the executable prints the ready line, serves OAuth and a product list, stops on SIGTERM") {
  sandbox_process proc({"--seed", "1", "--people", "50"});
  CHECK(proc.ready_line() ==
        "zoho-sandbox listening on http://127.0.0.1:" + std::to_string(proc.port()));
  session s(proc.port());
  for (const char* key : {"client_id", "client_secret", "refresh_token"}) {
    CHECK(s.info.at(key).is_string());
  }
  CHECK(s.info.at("inventory").at("organization_id").is_string());
  CHECK(s.info.at("projects").at("portal_id").is_string());
  CHECK(s.info.at("contracts").at("organizations").is_array());

  auto r = s.client.request(
      "POST", "/oauth/v2/token?grant_type=refresh_token&client_id=" +
                  std::string(s.info.at("client_id").as_string()) +
                  "&client_secret=" + std::string(s.info.at("client_secret").as_string()) +
                  "&refresh_token=" + std::string(s.info.at("refresh_token").as_string()));
  REQUIRE(r.status == 200);
  auto tok = r.obj();
  CHECK(tok.at("expires_in").as_int64() == 3600);
  CHECK(tok.at("token_type").as_string() == "Bearer");
  CHECK(tok.at("api_domain").as_string() == "http://127.0.0.1:" + std::to_string(proc.port()));
  std::string token(tok.at("access_token").as_string());

  auto list = s.client.get(s.inv("/contacts"), {{"Authorization", "Zoho-oauthtoken " + token}});
  REQUIRE(list.status == 200);
  auto body = list.obj();
  CHECK(body.at("code").as_int64() == 0);
  CHECK(body.at("message").as_string() == "success");
  CHECK(!body.at("contacts").as_array().empty());
  CHECK(body.at("page_context").at("has_more_page").as_bool() == false);

  s.client.close();
  int status = proc.stop();
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
}

TEST_CASE("server: a request body over the limit gets 413 and the connection closes") {
  sandbox_process proc({"--people", "5"});
  http_client c(proc.port());
  // The declared length alone exceeds the bound; no body needs to be sent.
  auto r = c.request("GET", "/crm/v8/Contacts", {}, {{"Content-Length", "50000000"}});
  CHECK(r.status == 413);
  CHECK(r.headers.at("connection") == "close");
}
