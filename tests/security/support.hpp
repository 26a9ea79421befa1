#pragma once
// What the security tests share beyond tests/support: credentials only this
// suite knows (so that a search of every output for them cannot match by
// chance), a configuration that keeps them in 0600 files, a plain HTTP GET,
// a file's permission bits and the /metrics arithmetic.

#include <cstdint>
#include <filesystem>
#include <string>

#include "tests/support/files.hpp"
#include "tests/support/run_zohosync.hpp"
#include "tests/support/sandbox_config.hpp"

namespace zohosync::security::test {

using support::Credentials;
using support::free_loopback_port;
using support::read_file;
using support::Run;
using support::run_zohosync;
using support::sandbox_credential_args;
using support::SandboxConfig;
using support::write_config;

Credentials leak_check_credentials();

// Every product against `base_url`, polled each second, the credentials in
// 0600 files beside a 0600 configuration; `metrics_listen` "" = off.
SandboxConfig security_config(const std::string& base_url, const std::filesystem::path& state_dir,
                              const Credentials& credentials,
                              const std::string& metrics_listen = "");

// GET http://127.0.0.1:PORT/TARGET; the body, or "" on any failure.
std::string http_get(std::uint16_t port, const std::string& target, int* status = nullptr);

// Octal permission bits of `path` (e.g. 0700).
unsigned mode_of(const std::filesystem::path& path);

// Sum of every sample of a /metrics family, e.g. "zohosync_cycles_total".
double metric_sum(const std::string& metrics_text, const std::string& family);

// Polls /metrics on `port` until `family` sums to at least `at_least` or
// `limit_s` passes; returns the last scrape.
std::string wait_for_metric(std::uint16_t port, const std::string& family, double at_least,
                            int limit_s);

}  // namespace zohosync::security::test
