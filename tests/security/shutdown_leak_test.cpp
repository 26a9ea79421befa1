// The daemon's clean shutdown: one full cycle against the sandbox, SIGTERM,
// exit 0. In the sanitizer build (ZOHOSYNC_SANITIZE) LeakSanitizer runs at
// that exit and any report fails the test; LeakSanitizer's own fatal error
// (it needs ptrace, which some containers forbid) fails it too rather than
// passing unchecked. Other builds check the clean exit only.
#include <doctest/doctest.h>

#include <signal.h>

#include <chrono>
#include <filesystem>

#include "tests/sandbox/test_client.hpp"
#include "tests/security/support.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/temp_dir.hpp"

namespace zohosync::security::test {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

TEST_CASE("shutdown: the daemon exits 0 on SIGTERM after a cycle, with no leak reported") {
  support::TempDir dir;
  const Credentials credentials = leak_check_credentials();
  auto sandbox_args = sandbox_credential_args(credentials);
  for (const char* a : {"--people", "10", "--overlap", "0.5", "--no-limits"})
    sandbox_args.push_back(a);
  sandbox::test::sandbox_process sandbox(sandbox_args);
  const std::uint16_t metrics_port = free_loopback_port();
  const fs::path config =
      write_config(dir.path(), security_config("http://127.0.0.1:" + std::to_string(sandbox.port()),
                                               dir.path() / "state", credentials,
                                               "127.0.0.1:" + std::to_string(metrics_port)));
  const fs::path log = dir.path() / "daemon.log";
  support::ChildProcess daemon(ZOHOSYNC_EXE, {"--config", config.string(), "daemon"},
                               {{"ASAN_OPTIONS", "detect_leaks=1:abort_on_error=0:exitcode=23"}},
                               log);
  // Every one of the five collections polled at least once.
  const std::string metrics = wait_for_metric(metrics_port, "zohosync_cycles_total", 5, 120);
  REQUIRE_MESSAGE(metric_sum(metrics, "zohosync_cycles_total") >= 5, read_file(log));
  daemon.signal(SIGTERM);
  const auto code = daemon.wait(60s);
  const std::string text = read_file(log);
  CHECK_MESSAGE(code == 0, text);
  CHECK_MESSAGE(text.find("LeakSanitizer") == std::string::npos, text);
  CHECK_MESSAGE(text.find("ERROR: AddressSanitizer") == std::string::npos, text);
#ifdef ZOHOSYNC_SANITIZED
  MESSAGE("sanitizer build: LeakSanitizer checked the daemon's exit");
#endif
}

}  // namespace zohosync::security::test
