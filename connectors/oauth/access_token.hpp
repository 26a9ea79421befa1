#pragma once

#include <chrono>
#include <string>

namespace zohosync::connectors::oauth {

struct AccessToken {
  std::string value;  // secret: never logged, never put in an error message
  std::chrono::system_clock::time_point expires_at;
  std::string api_domain;  // e.g. "https://www.zohoapis.eu"; empty if the server sent none
  // The scopes the answer said were granted, as sent ("" when it named none,
  // and for a token read from the cache).
  std::string scope;
};

}  // namespace zohosync::connectors::oauth
