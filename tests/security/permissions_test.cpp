// Files and sockets others could reach: a configuration file others can
// write (or read, when it holds real inline secrets) and secret files others
// can read are refused; after a real run the state dir is 0700 and the token
// cache 0600; the metrics listener is loopback-only by default and, bound to
// 127.0.0.1, cannot be reached through the machine's other addresses.
#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>

#include "config/config.hpp"
#include "tests/sandbox/test_client.hpp"
#include "tests/security/support.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/temp_dir.hpp"

namespace zohosync::security::test {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr int kExConfig = 78;

void set_mode(const fs::path& file, unsigned mode) {
  fs::permissions(file, static_cast<fs::perms>(mode), fs::perm_options::replace);
}

// The first IPv4 address of this machine that is not loopback, if any.
std::optional<in_addr> non_loopback_address() {
  ifaddrs* list = nullptr;
  if (::getifaddrs(&list) != 0)
    return std::nullopt;
  std::optional<in_addr> found;
  for (ifaddrs* i = list; i && !found; i = i->ifa_next) {
    if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET)
      continue;
    const in_addr a = reinterpret_cast<sockaddr_in*>(i->ifa_addr)->sin_addr;
    if ((ntohl(a.s_addr) >> 24) != 127)
      found = a;
  }
  ::freeifaddrs(list);
  return found;
}

bool can_connect(in_addr address, std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(port);
  to.sin_addr = address;
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) == 0;
  ::close(fd);
  return ok;
}

// A configuration that needs no server: check-config only reads it.
fs::path inline_secret_config(const fs::path& dir) {
  const fs::path config = dir / "inline.toml";
  std::ofstream out(config);
  out << "[service]\nstate_dir = \"" << (dir / "state").string() << "\"\n"
      << "[oauth]\nclient_id = \"1000.PERMTEST\"\nallow_inline_secrets = true\n"
      << "client_secret = \"cs-PERMTEST-1\"\nrefresh_token = \"1000.rt-PERMTEST-1\"\n"
      << "[crm]\nenabled = true\n";
  return config;
}

}  // namespace

TEST_CASE("permissions: a configuration file others can write is refused") {
  support::TempDir dir;
  const Credentials credentials = leak_check_credentials();
  const fs::path config = write_config(
      dir.path(), security_config("http://127.0.0.1:9", dir.path() / "state", credentials));
  set_mode(config, 0644);  // readable is fine: its secrets live in their own files
  CHECK(run_zohosync({"--config", config.string(), "check-config"}).exit_code == 0);
  for (unsigned mode : {0664u, 0646u}) {
    CAPTURE(mode);
    set_mode(config, mode);
    const Run run = run_zohosync({"--config", config.string(), "check-config"});
    CHECK(run.exit_code == kExConfig);
    CHECK((run.out + run.err).find("writable by group or others") != std::string::npos);
    const Run daemon = run_zohosync({"--config", config.string(), "reconcile"});
    CHECK(daemon.exit_code == kExConfig);
  }
}

TEST_CASE("permissions: inline secrets for a real accounts server need a private file") {
  support::TempDir dir;
  const fs::path config = inline_secret_config(dir.path());
  set_mode(config, 0644);
  const Run open = run_zohosync({"--config", config.string(), "check-config"});
  CHECK(open.exit_code == kExConfig);
  CHECK((open.out + open.err).find("readable by group or others") != std::string::npos);
  CHECK((open.out + open.err).find("PERMTEST-1") == std::string::npos);
  set_mode(config, 0600);
  const Run closed = run_zohosync({"--config", config.string(), "check-config"});
  CHECK_MESSAGE(closed.exit_code == 0, closed.out << closed.err);
}

TEST_CASE("permissions: a secret file others can read is refused by a real run") {
  support::TempDir dir;
  const Credentials credentials = leak_check_credentials();
  const fs::path config = write_config(
      dir.path(), security_config("http://127.0.0.1:9", dir.path() / "state", credentials));
  for (const char* name : {"client_secret", "refresh_token"}) {
    CAPTURE(name);
    set_mode(dir.path() / name, 0644);
    const Run run = run_zohosync({"--config", config.string(), "reconcile"});
    CHECK(run.exit_code == kExConfig);
    CHECK(run.err.find("chmod 600") != std::string::npos);
    CHECK(run.err.find("LEAKCHECK") == std::string::npos);
    CHECK_FALSE(fs::exists(dir.path() / "state"));  // refused before touching anything
    set_mode(dir.path() / name, 0600);
  }
}

TEST_CASE("permissions: the state dir is 0700 and the token cache 0600 after a real run") {
  support::TempDir dir;
  const Credentials credentials = leak_check_credentials();
  auto sandbox_args = sandbox_credential_args(credentials);
  for (const char* a : {"--people", "6", "--no-limits"})
    sandbox_args.push_back(a);
  sandbox::test::sandbox_process sandbox(sandbox_args);
  const fs::path state_dir = dir.path() / "state";
  const fs::path config =
      write_config(dir.path(), security_config("http://127.0.0.1:" + std::to_string(sandbox.port()),
                                               state_dir, credentials));
  const Run run = run_zohosync({"--config", config.string(), "reconcile"});
  REQUIRE_MESSAGE(run.exit_code == 0, run.err);
  CHECK(mode_of(state_dir) == 0700);
  REQUIRE(fs::exists(state_dir / "access_token.json"));
  CHECK(mode_of(state_dir / "access_token.json") == 0600);
  for (const auto& entry : fs::recursive_directory_iterator(state_dir)) {
    CAPTURE(entry.path().string());
    CHECK((mode_of(entry.path()) & 0077) == 0);  // nothing in it for group or others
  }
}

TEST_CASE("permissions: the metrics listener is loopback by default and unreachable elsewhere") {
  // The default is off; the shipped example turns it on at loopback.
  bool documented = false;
  for (const auto& option : config::schema()) {
    if (option.key_path == "service.metrics_listen") {
      documented = true;
      const std::string& d = option.default_value;
      CHECK_MESSAGE((d.empty() || d == "\"\"" || d.rfind("\"127.0.0.1:", 0) == 0), d);
    }
  }
  CHECK(documented);
  const auto example =
      config::load_file(std::string(ZOHOSYNC_SOURCE_DIR) + "/config/zohosync.example.toml");
  REQUIRE(example.config);
  CHECK(example.config->service.metrics_listen.rfind("127.0.0.1:", 0) == 0);

  support::TempDir dir;
  const Credentials credentials = leak_check_credentials();
  const std::uint16_t port = free_loopback_port();
  const fs::path config =
      write_config(dir.path(), security_config("http://127.0.0.1:9", dir.path() / "state",
                                               credentials, "127.0.0.1:" + std::to_string(port)));
  const fs::path log = dir.path() / "daemon.log";
  support::ChildProcess daemon(ZOHOSYNC_EXE, {"--config", config.string(), "daemon"}, {}, log);
  REQUIRE_MESSAGE(support::wait_for_line(log, "metrics and health on http://127.0.0.1:", 20s),
                  read_file(log));
  int status = 0;
  http_get(port, "/metrics", &status);
  CHECK(status == 200);
  if (const auto other = non_loopback_address()) {
    char text[INET_ADDRSTRLEN];
    ::inet_ntop(AF_INET, &*other, text, sizeof text);
    CAPTURE(text);
    CHECK_FALSE(can_connect(*other, port));
  } else {
    MESSAGE("this machine has no non-loopback IPv4 address; only the loopback bind was checked");
  }
  daemon.signal(SIGTERM);
  CHECK(daemon.wait(30s) == 0);
}

}  // namespace zohosync::security::test
