// A full run at trace level leaks no secret. zohosync runs against the
// sandbox with credentials only this test knows: `reconcile`, the daemon for
// a few cycles (with /metrics and /healthz scraped), status, journal,
// conflicts, check-config, and a run with a wrong refresh token. Every byte
// they print, and every file of the state dir, is searched for the client
// secret, the refresh tokens and every access token the sandbox issued.
//
// The one exception, by design: the token cache (state dir access_token.json,
// 0600 in a 0700 dir) holds the access token, which is what it is for, so
// that a restart does not spend one of Zoho's ten token requests per ten
// minutes. It must not hold the refresh token or the client secret.
#include <doctest/doctest.h>

#include <signal.h>

#include <boost/json.hpp>
#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "tests/sandbox/test_client.hpp"
#include "tests/security/support.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/temp_dir.hpp"

namespace zohosync::security::test {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using namespace std::chrono_literals;

struct Output {
  std::string name;
  std::string bytes;
};

struct Secret {
  std::string what;
  std::string value;
  bool allowed_in_token_cache = false;
};

// The secret and its tail: a "masked" rendering that keeps the last
// characters would still give part of it away.
std::vector<std::string> forms(const std::string& value) {
  std::vector<std::string> out{value};
  if (value.size() > 20)
    out.push_back(value.substr(value.size() - 12));
  return out;
}

void add_run(std::vector<Output>& outputs, const std::string& name, const Run& run) {
  outputs.push_back({name + " stdout", run.out});
  outputs.push_back({name + " stderr", run.err});
}

void add_state_files(std::vector<Output>& outputs, const fs::path& state_dir) {
  for (const auto& entry : fs::recursive_directory_iterator(state_dir)) {
    if (entry.is_regular_file())
      outputs.push_back({entry.path().string(), read_file(entry.path())});
  }
}

}  // namespace

TEST_CASE("secrets: no secret in any output or state file of a full run at trace level") {
  support::TempDir dir;
  const Credentials credentials = leak_check_credentials();
  auto sandbox_args = sandbox_credential_args(credentials);
  for (const char* a : {"--seed", "5", "--people", "12", "--overlap", "0.5", "--no-limits",
                        "--person-bumps-contact"})
    sandbox_args.push_back(a);
  sandbox::test::sandbox_process sandbox(sandbox_args);
  const std::string base_url = "http://127.0.0.1:" + std::to_string(sandbox.port());
  const std::uint16_t metrics_port = free_loopback_port();
  const fs::path state_dir = dir.path() / "state";
  const fs::path config =
      write_config(dir.path(), security_config(base_url, state_dir, credentials,
                                               "127.0.0.1:" + std::to_string(metrics_port)));
  const std::vector<std::string> with_config = {"--config", config.string()};
  auto args = [&](std::vector<std::string> a) {
    a.insert(a.begin(), with_config.begin(), with_config.end());
    return a;
  };
  std::vector<Output> outputs;

  const Run reconcile = run_zohosync(args({"--log-level", "trace", "reconcile"}));
  REQUIRE_MESSAGE(reconcile.exit_code == 0, reconcile.err);
  add_run(outputs, "reconcile", reconcile);

  {
    const fs::path log = dir.path() / "daemon.log";
    support::ChildProcess daemon(ZOHOSYNC_EXE, args({"--log-level", "trace", "daemon"}), {}, log);
    // Two cycles of each of the five collections.
    const std::string metrics = wait_for_metric(metrics_port, "zohosync_cycles_total", 10, 60);
    CHECK_MESSAGE(metric_sum(metrics, "zohosync_cycles_total") >= 10, read_file(log));
    outputs.push_back({"/metrics", metrics});
    outputs.push_back({"/healthz", http_get(metrics_port, "/healthz")});
    daemon.signal(SIGTERM);
    CHECK(daemon.wait(30s) == 0);
    outputs.push_back({"daemon log", read_file(log)});
    // The level really was below info: the debug line of a cached token.
    CHECK(outputs.back().bytes.find("using the cached access token") != std::string::npos);
  }

  add_run(outputs, "status", run_zohosync(args({"status"})));
  add_run(outputs, "status --json", run_zohosync(args({"status", "--json"})));
  add_run(outputs, "journal --json", run_zohosync(args({"journal", "--json"})));
  add_run(outputs, "conflicts list", run_zohosync(args({"conflicts", "list"})));
  add_run(outputs, "check-config", run_zohosync(args({"check-config"})));

  // The error path: the accounts server refuses a wrong refresh token.
  Credentials wrong = credentials;
  wrong.refresh_token = "1000.rt-WRONG-LEAKCHECK-77aa01";
  const fs::path wrong_dir = dir.path() / "wrong";
  fs::create_directories(wrong_dir);
  const fs::path wrong_config =
      write_config(wrong_dir, security_config(base_url, wrong_dir / "state", wrong));
  const Run refused =
      run_zohosync({"--config", wrong_config.string(), "--log-level", "trace", "reconcile"});
  CHECK(refused.exit_code == 78);  // EX_CONFIG: the admin must fix the credentials
  CHECK(refused.err.find("refresh token") != std::string::npos);
  MESSAGE("wrong refresh token: " << refused.err.substr(refused.err.rfind("zohosync")));
  add_run(outputs, "reconcile with a wrong refresh token", refused);

  add_state_files(outputs, state_dir);
  if (fs::exists(wrong_dir / "state"))
    add_state_files(outputs, wrong_dir / "state");

  std::vector<Secret> secrets = {{"the client secret", credentials.client_secret},
                                 {"the refresh token", credentials.refresh_token},
                                 {"the wrong refresh token", wrong.refresh_token}};
  sandbox::test::http_client admin(sandbox.port());
  const auto info = admin.get("/__sandbox/info").obj();
  for (const auto& token : info.at("issued_tokens").as_array())
    secrets.push_back({"an access token", std::string(token.as_string()), true});
  REQUIRE(secrets.size() > 3);  // zohosync did get tokens
  MESSAGE(outputs.size() << " outputs searched for " << secrets.size() << " secrets");

  bool cache_holds_token = false;
  for (const Output& output : outputs) {
    const bool token_cache = fs::path(output.name).filename() == "access_token.json";
    for (const Secret& secret : secrets) {
      for (const std::string& form : forms(secret.value)) {
        const bool found = output.bytes.find(form) != std::string::npos;
        if (token_cache && secret.allowed_in_token_cache) {
          cache_holds_token = cache_holds_token || found;
          continue;
        }
        CHECK_MESSAGE(!found, output.name << " contains " << secret.what);
      }
    }
  }
  CHECK(cache_holds_token);  // the cache was written and searched
}

}  // namespace zohosync::security::test
