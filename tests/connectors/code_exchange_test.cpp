// The authorization-code grant's answers (`zohosync auth`) and which granted
// scope covers which needed one.

#include <doctest/doctest.h>

#include <string>
#include <variant>

#include "connectors/oauth/code_exchange.hpp"
#include "connectors/oauth/scopes.hpp"

using namespace zohosync::connectors;

namespace {

std::variant<oauth::GrantedRefreshToken, oauth::TokenFailure> read(const std::string& body,
                                                                   unsigned status = 200) {
  http::HttpResponse response;
  response.status = status;
  response.body = body;
  return oauth::read_code_exchange_response(response);
}

}  // namespace

TEST_CASE("code exchange: the refresh token, the api domain and the granted scopes") {
  auto result = read(
      R"({"access_token":"1000.a.b","refresh_token":"1000.r.t","scope":"ZohoCRM.modules.ALL ZohoInventory.contacts.READ","api_domain":"https://www.zohoapis.eu/","token_type":"Bearer","expires_in":3600})");
  REQUIRE(std::holds_alternative<oauth::GrantedRefreshToken>(result));
  const auto& granted = std::get<oauth::GrantedRefreshToken>(result);
  CHECK(granted.refresh_token == "1000.r.t");
  CHECK(granted.api_domain == "https://www.zohoapis.eu");
  CHECK(granted.scope_reported);
  CHECK(granted.scopes ==
        std::vector<std::string>{"ZohoCRM.modules.ALL", "ZohoInventory.contacts.READ"});
}

TEST_CASE("code exchange: an answer without scope says nothing about them") {
  auto result = read(R"({"access_token":"x","refresh_token":"y"})");
  REQUIRE(std::holds_alternative<oauth::GrantedRefreshToken>(result));
  CHECK_FALSE(std::get<oauth::GrantedRefreshToken>(result).scope_reported);
}

TEST_CASE("code exchange: a used or expired code is refused in words that say so") {
  // Zoho's one answer for unknown, used and expired codes, with HTTP 200.
  auto result = read(R"({"error":"invalid_code"})");
  REQUIRE(std::holds_alternative<oauth::TokenFailure>(result));
  const auto& failure = std::get<oauth::TokenFailure>(result);
  CHECK(failure.error == "invalid_code");
  CHECK(failure.error_class == ErrorClass::configuration);
  CHECK(failure.message.find("already used, has expired") != std::string::npos);
}

TEST_CASE("code exchange: a wrong client and a throttle read as for a refresh") {
  auto client = read(R"({"error":"invalid_client"})");
  REQUIRE(std::holds_alternative<oauth::TokenFailure>(client));
  CHECK(std::get<oauth::TokenFailure>(client).message.find("client_id") != std::string::npos);
  auto throttled = read(
      R"({"error":"Access Denied","error_description":"You have made too many requests continuously."})",
      400);
  REQUIRE(std::holds_alternative<oauth::TokenFailure>(throttled));
  CHECK(std::get<oauth::TokenFailure>(throttled).throttled);
}

TEST_CASE("code exchange: an access token without a refresh token is a failure") {
  auto result = read(R"({"access_token":"x","expires_in":3600})");
  REQUIRE(std::holds_alternative<oauth::TokenFailure>(result));
  CHECK(std::get<oauth::TokenFailure>(result).error == "no_refresh_token");
}

TEST_CASE("scopes: granted scopes cover the needed ones as Zoho's names nest") {
  using oauth::scopes_cover;
  CHECK(scopes_cover({"ZohoCRM.modules.contacts.ALL"}, "ZohoCRM.modules.contacts.ALL"));
  CHECK(scopes_cover({"zohocrm.modules.contacts.all"}, "ZohoCRM.modules.contacts.ALL"));
  CHECK(scopes_cover({"ZohoCRM.modules.ALL"}, "ZohoCRM.modules.contacts.ALL"));
  CHECK(scopes_cover({"ZohoCRM.modules.contacts.ALL"}, "ZohoCRM.modules.contacts.READ"));
  CHECK(scopes_cover({"ZohoInventory.fullaccess.all"}, "ZohoInventory.settings.ALL"));
  CHECK(scopes_cover({"ZohoProjects.users.READ", "ZohoProjects.users.CREATE",
                      "ZohoProjects.users.UPDATE", "ZohoProjects.users.DELETE"},
                     "ZohoProjects.users.ALL"));

  CHECK_FALSE(scopes_cover({}, "ZohoCRM.modules.ALL"));
  CHECK_FALSE(scopes_cover({"ZohoCRM.modules.contacts.ALL"}, "ZohoCRM.modules.ALL"));
  CHECK_FALSE(scopes_cover({"ZohoCRM.modules.contacts.READ"}, "ZohoCRM.modules.contacts.ALL"));
  CHECK_FALSE(scopes_cover({"ZohoCRM.modules.contacts.ALL"}, "ZohoCRM.modules.contactsx.ALL"));
  CHECK_FALSE(scopes_cover({"ZohoCRM.fullaccess.all"}, "ZohoInventory.contacts.ALL"));
  CHECK_FALSE(scopes_cover({"ZohoProjects.users.READ", "ZohoProjects.users.CREATE"},
                           "ZohoProjects.users.ALL"));
}

TEST_CASE("scopes: a token answer's scope list, space- or comma-separated") {
  CHECK(oauth::split_scopes("a.b.ALL c.d.READ") == std::vector<std::string>{"a.b.ALL", "c.d.READ"});
  CHECK(oauth::split_scopes(" a.b.ALL,c.d.READ ,") ==
        std::vector<std::string>{"a.b.ALL", "c.d.READ"});
  CHECK(oauth::split_scopes("").empty());
}
