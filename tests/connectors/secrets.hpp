#pragma once
// The secrets the tests feed in, recognisable so that logs and error messages
// can be searched for them.

#include <string>

namespace zohosync::connectors::test {

inline constexpr char kClientSecret[] = "cs-SECRET-0f1e2d3c";
inline constexpr char kRefreshToken[] = "1000.rt-SECRET-9a8b7c6d";

inline std::string access_token(int n) {
  return "1000.at-SECRET-" + std::to_string(n);
}

inline std::string token_json(const std::string& token, int expires_in = 3600,
                              const std::string& api_domain = "https://www.zohoapis.eu") {
  return R"({"access_token":")" + token + R"(","expires_in":)" + std::to_string(expires_in) +
         R"(,"api_domain":")" + api_domain + R"(","token_type":"Bearer"})";
}

}  // namespace zohosync::connectors::test
