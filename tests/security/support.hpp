#pragma once
// What the security tests share: running `zohosync` to completion with its
// output captured, a sandbox configuration whose secrets live in 0600 files,
// a free loopback port, a plain HTTP GET and a file's raw bytes.

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace zohosync::security::test {

struct Run {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs ZOHOSYNC_EXE with `args` to completion (bounded: SIGKILL after
// `limit_s`), stdout and stderr apart; `env` is added to the environment.
Run run_zohosync(const std::filesystem::path& scratch, const std::vector<std::string>& args,
                 const std::map<std::string, std::string>& env = {}, int limit_s = 120);

struct Credentials {
  std::string client_id = "1000.SECURITYTESTCLIENT";
  std::string client_secret = "cs-LEAKCHECK-5e1f0a9b7c";
  std::string refresh_token = "1000.rt-LEAKCHECK-3d2c1b0a99";
};

// The sandbox arguments that make it accept `credentials`.
std::vector<std::string> sandbox_credential_args(const Credentials& credentials);

struct ConfigSpec {
  ConfigSpec(std::string base, std::filesystem::path state, std::string listen = "")
      : base_url(std::move(base)), state_dir(std::move(state)), metrics_listen(std::move(listen)) {}
  std::string base_url;
  std::filesystem::path state_dir;
  std::string metrics_listen;  // "" = off
  std::string poll = "1s";
  std::string ca_file;
  bool crm_only = false;  // one product (TLS tests talk to a server that knows only CRM)
};

// Writes DIR/zohosync.toml (mode 0600) and the two secret files (0600);
// returns the config path.
std::filesystem::path write_config(const std::filesystem::path& dir, const ConfigSpec& spec,
                                   const Credentials& credentials);

std::uint16_t free_port();

// GET http://127.0.0.1:PORT/TARGET; the body, or "" on any failure.
std::string http_get(std::uint16_t port, const std::string& target, int* status = nullptr);

std::string read_bytes(const std::filesystem::path& file);

// Octal permission bits of `path` (e.g. 0700).
unsigned mode_of(const std::filesystem::path& path);

}  // namespace zohosync::security::test

namespace zohosync::security::test {

// Sum of every sample of a /metrics family, e.g. "zohosync_cycles_total".
double metric_sum(const std::string& metrics_text, const std::string& family);

// Polls /metrics on `port` until `family` sums to at least `at_least` or
// `limit_s` passes; returns the last scrape.
std::string wait_for_metric(std::uint16_t port, const std::string& family, double at_least,
                            int limit_s);

}  // namespace zohosync::security::test
