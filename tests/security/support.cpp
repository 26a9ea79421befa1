#include "tests/security/support.hpp"

#include <sys/stat.h>

#include <chrono>
#include <sstream>
#include <thread>

#include "tests/sandbox/test_client.hpp"

namespace zohosync::security::test {

namespace fs = std::filesystem;

Credentials leak_check_credentials() {
  return {.client_id = "1000.SECURITYTESTCLIENT",
          .client_secret = "cs-LEAKCHECK-5e1f0a9b7c",
          .refresh_token = "1000.rt-LEAKCHECK-3d2c1b0a99"};
}

SandboxConfig security_config(const std::string& base_url, const fs::path& state_dir,
                              const Credentials& credentials, const std::string& metrics_listen) {
  return {.base_url = base_url,
          .state_dir = state_dir,
          .metrics_listen = metrics_listen,
          .retries = 1,
          .budgets = support::generous_budgets(),
          .poll = std::chrono::seconds(1),
          .jitter = std::chrono::milliseconds(100),
          .credentials = credentials,
          .secrets_in_files = true};
}

std::string http_get(std::uint16_t port, const std::string& target, int* status) {
  sandbox::test::http_client client(port);
  const auto reply = client.get(target);
  if (status)
    *status = reply.result == sandbox::test::outcome::ok ? reply.status : 0;
  return reply.result == sandbox::test::outcome::ok ? reply.body : "";
}

unsigned mode_of(const fs::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    return 0xFFFF;
  return static_cast<unsigned>(st.st_mode & 07777);
}

double metric_sum(const std::string& text, const std::string& family) {
  double total = 0;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind(family, 0) != 0 || line.size() <= family.size())
      continue;
    const char next = line[family.size()];
    if (next != ' ' && next != '{')
      continue;
    total += std::stod(line.substr(line.rfind(' ') + 1));
  }
  return total;
}

std::string wait_for_metric(std::uint16_t port, const std::string& family, double at_least,
                            int limit_s) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(limit_s);
  std::string text;
  for (;;) {
    text = http_get(port, "/metrics");
    if (metric_sum(text, family) >= at_least || std::chrono::steady_clock::now() >= end)
      return text;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

}  // namespace zohosync::security::test
