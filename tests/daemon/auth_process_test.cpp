// `zohosync auth` against zoho-sandbox's token endpoint: a Self Client grant
// code becomes the refresh token file the service runs on; a code used twice,
// expired or short of a scope is refused with the server's reason and
// overwrites nothing; no secret is ever printed.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <boost/json.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "tests/sandbox/test_client.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/files.hpp"
#include "tests/support/run_zohosync.hpp"
#include "tests/support/sandbox_config.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

namespace fs = std::filesystem;
using zohosync::sandbox::test::sandbox_process;
using zohosync::sandbox::test::session;
using zohosync::support::ChildProcess;
using zohosync::support::read_file;
using zohosync::support::Run;
using zohosync::support::run_zohosync;
using zohosync::support::sandbox_url;
using zohosync::support::TempDir;
using zohosync::support::write_config;

// A grant code from the sandbox's stand-in for the API console.
std::string grant_code(session& s, const std::string& body = "{}") {
  auto reply = s.admin_post("grant-code", body);
  REQUIRE(reply.status == 200);
  return std::string(reply.obj().at("code").as_string());
}

// A deployment's config with the secrets in 0600 files beside it; the
// refresh token file is not there yet (that is what auth is for).
fs::path config_without_refresh_token(TempDir& dir, std::uint16_t port) {
  const fs::path config =
      write_config(dir.path(), {.base_url = sandbox_url(port),
                                .state_dir = dir.sub("state"),
                                .budgets = zohosync::support::generous_budgets(),
                                .secrets_in_files = true});
  fs::remove(dir.path() / "refresh_token");
  return config;
}

Run auth(const fs::path& config, std::vector<std::string> extra) {
  std::vector<std::string> args{"auth", "--config", config.string()};
  args.insert(args.end(), extra.begin(), extra.end());
  return run_zohosync(args);
}

// `sh -c SCRIPT` to its end (bounded): what zohosync sees when an operator
// pipes a secret in.
Run shell(const std::string& script) {
  ChildProcess sh("/bin/sh", {"-c", script});
  Run run;
  run.exit_code = sh.wait(std::chrono::milliseconds(120000));
  run.out = sh.out();
  run.err = sh.err();
  return run;
}

bool private_file(const fs::path& file) {
  struct stat st {};
  return ::stat(file.c_str(), &st) == 0 && (st.st_mode & 0777) == 0600;
}

}  // namespace

TEST_CASE("auth: a grant code becomes the refresh token file that reconcile then runs on") {
  sandbox_process proc({"--people", "6", "--no-limits"});
  session s(proc.port());
  TempDir dir;
  const fs::path config = config_without_refresh_token(dir, proc.port());
  const std::string code = grant_code(s);

  Run scopes = auth(config, {"--scopes"});
  CHECK(scopes.exit_code == 0);
  CHECK(scopes.out.find("ZohoCRM.modules.contacts.ALL") != std::string::npos);
  CHECK(scopes.out.find("Accounts server: " + sandbox_url(proc.port())) != std::string::npos);
  CHECK_FALSE(fs::exists(dir.path() / "refresh_token"));  // --scopes exchanges nothing

  Run got = auth(config, {"--code", code});
  REQUIRE_MESSAGE(got.exit_code == 0, got.err);
  const fs::path token_file = dir.path() / "refresh_token";
  REQUIRE(fs::exists(token_file));
  CHECK(private_file(token_file));
  CHECK(got.out.find("Wrote the refresh token to " + token_file.string()) != std::string::npos);
  CHECK(got.out.find("LoadCredential=refresh_token:" + token_file.string()) != std::string::npos);
  // The client secret came from its file: left as it was.
  CHECK(got.out.find("client secret") == std::string::npos);

  // The token is a new one, and neither it nor the secret is printed.
  std::string refresh = read_file(token_file);
  while (!refresh.empty() && refresh.back() == '\n')
    refresh.pop_back();
  CHECK(refresh.size() > 20);
  CHECK(refresh != "sandbox-refresh-token");
  for (const std::string& secret : {refresh, std::string("sandbox-secret")}) {
    CHECK(got.out.find(secret) == std::string::npos);
    CHECK(got.err.find(secret) == std::string::npos);
  }

  // The service runs on it.
  Run run = run_zohosync({"reconcile", "--config", config.string(), "--log-level", "warn"});
  CHECK_MESSAGE(run.exit_code == 0, run.err);
}

TEST_CASE("auth: a code used twice or expired is refused with the server's reason") {
  sandbox_process proc({"--people", "4", "--no-limits"});
  session s(proc.port());
  TempDir dir;
  const fs::path config = config_without_refresh_token(dir, proc.port());
  const std::string code = grant_code(s);
  REQUIRE(auth(config, {"--code", code}).exit_code == 0);
  const fs::path token_file = dir.path() / "refresh_token";
  const std::string first = read_file(token_file);

  Run again = auth(config, {"--code", code});
  CHECK(again.exit_code == 65);
  CHECK(again.err.find("invalid_code") != std::string::npos);
  CHECK(again.err.find("already used, has expired") != std::string::npos);
  CHECK(again.out.find("Wrote") == std::string::npos);
  CHECK(read_file(token_file) == first);

  // A code made for one minute, used after two.
  const std::string late = grant_code(s, R"({"expires_in": 60})");
  REQUIRE(s.admin_post("clock", R"({"advance": 120})").status == 200);
  Run expired = auth(config, {"--code", late});
  CHECK(expired.exit_code == 65);
  CHECK(expired.err.find("invalid_code") != std::string::npos);
  CHECK(read_file(token_file) == first);
}

TEST_CASE("auth: a grant short of a scope writes nothing and names what is missing") {
  sandbox_process proc({"--people", "4", "--no-limits"});
  session s(proc.port());
  TempDir dir;
  const fs::path config = config_without_refresh_token(dir, proc.port());
  const std::string code =
      grant_code(s, R"({"scopes": ["ZohoInventory.contacts.ALL", "ZohoInventory.settings.ALL",
                        "ZohoProjects.users.ALL", "ZohoProjects.clients.ALL",
                        "contracts.contracts.ALL"]})");
  Run short_of = auth(config, {"--code", code});
  CHECK(short_of.exit_code == 78);
  CHECK(
      short_of.err.find("the grant lacks ZohoCRM.modules.contacts.ALL (needed by crm.contacts)") !=
      std::string::npos);
  CHECK(short_of.err.find("nothing was written") != std::string::npos);
  CHECK_FALSE(fs::exists(dir.path() / "refresh_token"));
}

TEST_CASE("auth: secrets piped in, written to a credentials dir for LoadCredential=") {
  sandbox_process proc({"--people", "4", "--no-limits"});
  session s(proc.port());
  TempDir dir;
  const fs::path config = config_without_refresh_token(dir, proc.port());
  fs::remove(dir.path() / "client_secret");  // nothing configured: it is asked for
  const std::string code = grant_code(s);
  const fs::path credentials = dir.path() / "credentials";

  // Client secret first, then the code: the order auth asks in.
  Run got =
      shell("printf 'sandbox-secret\\n%s\\n' '" + code + "' | '" ZOHOSYNC_EXE "' auth" +
            " --config '" + config.string() + "' --credentials-dir '" + credentials.string() + "'");
  REQUIRE_MESSAGE(got.exit_code == 0, got.err);
  CHECK(private_file(credentials / "client_secret"));
  CHECK(private_file(credentials / "refresh_token"));
  CHECK(read_file(credentials / "client_secret") == "sandbox-secret\n");
  CHECK(got.out.find("LoadCredential=client_secret:" + (credentials / "client_secret").string()) !=
        std::string::npos);
  CHECK(got.out.find("sandbox-secret") == std::string::npos);
  CHECK(got.err.find("sandbox-secret") == std::string::npos);
  CHECK(got.out.find(code) == std::string::npos);

  // No code at all: a usage error, nothing written.
  Run none = shell("printf '' | '" ZOHOSYNC_EXE "' auth --config '" + config.string() +
                   "' --credentials-dir '" + dir.sub("other") + "' 2>&1");
  CHECK(none.exit_code == 64);
  CHECK_FALSE(fs::exists(dir.path() / "other" / "refresh_token"));
}
