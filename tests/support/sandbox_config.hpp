#pragma once
// The zohosync configuration the process-level tests run against
// zoho-sandbox: every product on, the five collections with the sandbox's
// "New People" defaults for creates, and what a test varies (poll interval,
// request budgets, metrics listener, where the credentials live).

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace zohosync::support {

using Millis = std::chrono::milliseconds;

// The sandbox's built-in throwaway credentials unless a test sets its own.
struct Credentials {
  std::string client_id = "1000.SANDBOXCLIENT";
  std::string client_secret = "sandbox-secret";
  std::string refresh_token = "sandbox-refresh-token";
};

// The zoho-sandbox arguments that make it accept `credentials`.
std::vector<std::string> sandbox_credential_args(const Credentials& credentials);

// One product's client-side request budget ([http.PRODUCT]).
struct Budget {
  int requests = 0;
  std::string window{};  // "" = the default
  int concurrency = 0;   // 0 = the default
};
// 10,000 requests for each product: for a sandbox run with --no-limits,
// where Zoho's per-minute budgets would only slow a test down.
std::map<std::string, Budget> generous_budgets();

// Every member has an initializer, so that a designated initializer may
// leave any of them out (GCC's -Wmissing-field-initializers).
struct SandboxConfig {
  std::string base_url{};  // sandbox_url(port), or any origin a test serves
  std::filesystem::path state_dir{};
  std::string metrics_listen{};  // "" = off
  std::optional<int> health_max_missed_polls{};
  Millis timeout{5000};  // per request
  int retries = 2;
  std::string ca_file{};                    // "" = the system's trust store only
  std::map<std::string, Budget> budgets{};  // by product; the others keep the defaults
  std::optional<int> crm_daily_credits{};
  bool crm_only = false;  // CRM alone (a server that knows only CRM)
  Millis poll{2000};
  Millis jitter{200};
  std::string on_delete{};  // "" = the default
  Credentials credentials{};
  // Inline (allow_inline_secrets), or in files beside the configuration,
  // where the files and the configuration are 0600 as a deployment's are.
  bool secrets_in_files = false;
};

// Writes DIR/zohosync.toml (and DIR/client_secret, DIR/refresh_token with
// secrets_in_files); returns its path.
std::filesystem::path write_config(const std::filesystem::path& dir, const SandboxConfig& config);

// "http://127.0.0.1:PORT": the tests talk to the sandbox on loopback only.
std::string sandbox_url(std::uint16_t port);

// A loopback port nobody listens on right now (the metrics listener wants a
// fixed one).
std::uint16_t free_loopback_port();
std::string free_listen_address();  // "127.0.0.1:" + free_loopback_port()

}  // namespace zohosync::support
