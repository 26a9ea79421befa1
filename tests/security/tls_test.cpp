// Certificate verification cannot be turned off, end to end: `zohosync
// reconcile` as a process refuses an HTTPS server whose self-signed
// certificate it has no reason to trust (exit 78, EX_CONFIG, with a message
// naming the verification failure), whatever is in its environment, and gets
// past TLS once http.ca_file names that certificate. No configuration option
// exists that could switch verification off.
#include <doctest/doctest.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include "config/config.hpp"
#include "tests/connectors/test_server.hpp"
#include "tests/security/support.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/temp_dir.hpp"

namespace zohosync::security::test {
namespace {

namespace fs = std::filesystem;
using connectors::test::TestRequest;
using connectors::test::TestResponse;
using connectors::test::TestServer;
using connectors::test::TlsFiles;

constexpr int kExConfig = 78;

// A self-signed certificate for "localhost" (its own issuer, no CA behind it).
TlsFiles self_signed(const fs::path& dir) {
  const std::string d = dir.string();
  support::ChildProcess openssl(
      "openssl", {"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                  "-nodes", "-keyout", d + "/server.key", "-out", d + "/server.pem", "-days", "2",
                  "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost"});
  const std::optional<int> status = openssl.wait(std::chrono::seconds(60));
  REQUIRE_MESSAGE(status == 0, openssl.err() << openssl.out());
  return {d + "/server.pem", d + "/server.key"};
}

// The server knows CRM only: the other products stay off.
SandboxConfig crm_only_config(const std::string& origin, const fs::path& state_dir,
                              const Credentials& credentials) {
  SandboxConfig config = security_config(origin, state_dir, credentials);
  config.crm_only = true;
  config.budgets.clear();
  return config;
}

// Enough of Zoho for zohosync to get a token and read an empty CRM.
connectors::test::Handler fake_zoho(const std::string& origin) {
  return [origin](const TestRequest& request) {
    TestResponse response;
    if (request.target.rfind("/oauth/v2/token", 0) == 0) {
      response.headers.push_back({"Content-Type", "application/json"});
      response.body = R"({"access_token":"1000.tls-test-token","expires_in":3600,"api_domain":")" +
                      origin + R"(","token_type":"Bearer"})";
    } else {
      response.status = 204;  // CRM's answer for an empty list
    }
    return response;
  };
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

}  // namespace

TEST_CASE("tls: a self-signed server is refused unless http.ca_file names its certificate") {
  support::TempDir dir;
  const TlsFiles tls = self_signed(dir.path());
  std::string origin;
  TestServer server([&origin](const TestRequest& r) { return fake_zoho(origin)(r); }, tls);
  origin = server.url("localhost");
  REQUIRE(origin.rfind("https://localhost:", 0) == 0);
  const Credentials credentials = leak_check_credentials();

  SUBCASE("refused, with the reason, whatever the environment says") {
    const fs::path config =
        write_config(dir.path(), crm_only_config(origin, dir.path() / "state", credentials));
    // Names other tools read to skip verification: zohosync must not care.
    const std::map<std::string, std::string> env = {{"ZOHOSYNC_INSECURE", "1"},
                                                    {"ZOHOSYNC_TLS_VERIFY", "0"},
                                                    {"ZOHOSYNC_SKIP_TLS_VERIFY", "1"},
                                                    {"NODE_TLS_REJECT_UNAUTHORIZED", "0"},
                                                    {"PYTHONHTTPSVERIFY", "0"},
                                                    {"GIT_SSL_NO_VERIFY", "1"},
                                                    {"CURL_INSECURE", "1"}};
    const Run run = run_zohosync({"--config", config.string(), "reconcile"}, {.env = env});
    CHECK(run.exit_code == kExConfig);
    // The run's report (stdout) names the collection and the reason.
    const std::string said = run.out + run.err;
    CHECK_MESSAGE(said.find("certificate verification failed") != std::string::npos, said);
    MESSAGE("refused: " << said);
    CHECK(server.requests() == 0);  // not one request got through
  }

  SUBCASE("trusted through http.ca_file: the run gets past TLS") {
    SandboxConfig spec = crm_only_config(origin, dir.path() / "state", credentials);
    spec.ca_file = tls.certificate_chain;
    const fs::path config = write_config(dir.path(), spec);
    const Run run = run_zohosync({"--config", config.string(), "reconcile"});
    CHECK_MESSAGE((run.out + run.err).find("certificate") == std::string::npos, run.out << run.err);
    CHECK(server.requests() >= 2);  // the token, then CRM
    MESSAGE("exit " << run.exit_code.value_or(-1) << "; " << server.requests()
                    << " requests over TLS");
  }
}

TEST_CASE("tls: no configuration option can turn certificate verification off") {
  int http_options = 0;
  for (const auto& option : config::schema()) {
    const std::string key = lower(option.key_path);
    CAPTURE(key);
    for (const char* word : {"verify", "insecure", "skip", "tls", "ssl", "cert", "trust"})
      CHECK(key.find(word) == std::string::npos);
    http_options += key.rfind("http.", 0) == 0 ? 1 : 0;
  }
  CHECK(http_options > 0);  // the schema was really read
  // The one TLS-related option only adds trust, and says so.
  const auto ca = std::find_if(config::schema().begin(), config::schema().end(),
                               [](const auto& o) { return o.key_path == "http.ca_file"; });
  REQUIRE(ca != config::schema().end());
  CHECK(ca->description.find("cannot be turned off") != std::string::npos);
}

}  // namespace zohosync::security::test
