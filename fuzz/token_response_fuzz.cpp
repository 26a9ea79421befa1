// The OAuth token endpoint's answer (connectors/oauth/token_response.hpp).
// The first byte picks the HTTP status the body came with, because the status
// changes how the body is read. read_token_response never throws; besides the
// sanitizers, two promises are checked: a token's expiry lies in the future,
// and a failure's error word is the sanitised one (short, printable), since it
// ends up in log lines.

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "connectors/oauth/token_response.hpp"
#include "fuzz/fuzz_input.hpp"

namespace oauth = zohosync::connectors::oauth;
namespace http = zohosync::connectors::http;

namespace {

constexpr std::array<unsigned, 8> kStatuses = {200, 201, 302, 400, 401, 429, 500, 503};

bool printable_word(const std::string& word) {
  if (word.size() > 80)
    return false;
  for (const unsigned char c : word) {
    const bool allowed = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
                         (c >= 'A' && c <= 'Z') || c == '_' || c == '-' || c == ' ' || c == '.';
    if (!allowed)
      return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto in = zohosync::fuzz::split(data, size, kStatuses.size());
  http::HttpResponse response;
  response.status = kStatuses[in.selector];
  response.body = std::string(in.body);
  // A fixed instant keeps a run reproducible.
  const std::chrono::system_clock::time_point now{std::chrono::seconds(1'700'000'000)};

  const auto result = oauth::read_token_response(response, now);
  if (const auto* token = std::get_if<oauth::AccessToken>(&result)) {
    if (token->value.empty() || token->expires_at <= now)
      std::abort();
  } else if (!printable_word(std::get<oauth::TokenFailure>(result).error)) {
    std::abort();
  }
  return 0;
}
