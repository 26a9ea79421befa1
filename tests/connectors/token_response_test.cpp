// read_token_response on answers found by fuzzing (fuzz/token_response_fuzz.cpp):
// expiries no clock can hold must not overflow, they read as the documented hour.

#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <variant>

#include "connectors/oauth/token_response.hpp"

using namespace zohosync::connectors;
using namespace std::chrono_literals;

namespace {

const std::chrono::system_clock::time_point kNow{std::chrono::seconds(1'700'000'000)};

oauth::AccessToken token_from(const std::string& body) {
  http::HttpResponse response;
  response.status = 200;
  response.body = body;
  auto result = oauth::read_token_response(response, kNow);
  REQUIRE(std::holds_alternative<oauth::AccessToken>(result));
  return std::get<oauth::AccessToken>(result);
}

}  // namespace

TEST_CASE("token response: an expiry too large even for milliseconds reads as one hour") {
  // Found by fuzzing: seconds * 10^9 overflowed the clock's nanoseconds.
  CHECK(token_from(R"({"access_token":"t","expires_in_sec":"8327343360992522208"})").expires_at ==
        kNow + 3600s);
  CHECK(token_from(R"({"access_token":"t","expires_in":9223372036854775807})").expires_at ==
        kNow + 3600s);
}

TEST_CASE("token response: an expiry as a huge or fractional number") {
  CHECK(token_from(R"({"access_token":"t","expires_in":1e300})").expires_at == kNow + 3600s);
  CHECK(token_from(R"({"access_token":"t","expires_in":-1e300})").expires_at == kNow + 3600s);
  CHECK(token_from(R"({"access_token":"t","expires_in":1800.5})").expires_at == kNow + 1800s);
}

TEST_CASE("token response: plausible expiries are kept") {
  CHECK(token_from(R"({"access_token":"t","expires_in":3600})").expires_at == kNow + 3600s);
  CHECK(token_from(R"({"access_token":"t","expires_in_sec":3600000})").expires_at == kNow + 3600s);
  CHECK(token_from(R"({"access_token":"t","expires_in":172800})").expires_at == kNow + 172800s);
}
