// A hostile environment around `zohosync` as a process: a data file cut
// short, a state dir that lost its data file or belongs to someone else,
// output nobody can write, a disk that fills. Each ends in a clear message
// and a sysexits code, and loses nothing that was there.
#include <doctest/doctest.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "tests/sandbox/test_client.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/daemon_process.hpp"
#include "tests/support/files.hpp"
#include "tests/support/run_zohosync.hpp"
#include "tests/support/sandbox_config.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

namespace fs = std::filesystem;
using zohosync::sandbox::test::sandbox_process;
using zohosync::support::ChildProcess;
using zohosync::support::Run;
using zohosync::support::run_zohosync;
using zohosync::support::sandbox_url;
using zohosync::support::TempDir;
using zohosync::support::write_config;

const std::string kConfig = zohosync::support::sandbox_toml();

Run reconcile(std::uint16_t port, const std::string& state_dir,
              std::vector<std::string> extra = {}) {
  std::vector<std::string> args{"reconcile"};
  args.insert(args.end(), extra.begin(), extra.end());
  const std::vector<std::string> sandbox = zohosync::support::sandbox_args(port, state_dir);
  args.insert(args.end(), sandbox.begin(), sandbox.end());
  return run_zohosync(args);
}

// A state dir in `dir` in which a first reconcile against the sandbox on
// `port` linked everyone.
std::string linked_state(std::uint16_t port, TempDir& dir) {
  const std::string state = dir.sub("state");
  Run first = reconcile(port, state);
  REQUIRE_MESSAGE(first.exit_code == 0, first.err);
  return state;
}

Run status(const std::string& state_dir) {
  return run_zohosync({"status", "--config", kConfig, "--state-dir", state_dir});
}

// `sh -c SCRIPT` to its end (bounded); its exit code.
int shell(const std::string& script, std::string* output = nullptr) {
  ChildProcess sh("/bin/sh", {"-c", script});
  const auto code = sh.wait(std::chrono::milliseconds(120000));
  if (output != nullptr)
    *output = sh.out() + sh.err();
  return code ? *code : -1;
}

}  // namespace

TEST_CASE("hostile environment: a data.mdb cut short is refused as damage, never a SIGBUS") {
  sandbox_process proc({"--people", "8", "--no-limits"});
  TempDir dir;
  const std::string state = linked_state(proc.port(), dir);
  const fs::path data = fs::path(state) / "data.mdb";
  const auto size = fs::file_size(data);
  REQUIRE(size > 3 * 4096);
  fs::resize_file(data, size / 2);  // `truncate -s`: the pages in use are not all there

  Run shown = status(state);
  CHECK(shown.exit_code == 65);
  CHECK(shown.err.find("data.mdb is damaged") != std::string::npos);
  CHECK(shown.err.find("cut short") != std::string::npos);
  Run again = reconcile(proc.port(), state);
  CHECK(again.exit_code == 65);
  CHECK(again.err.find("data.mdb is damaged") != std::string::npos);
}

TEST_CASE(
    "hostile environment: a state dir that lost its data.mdb is refused until --reinitialize") {
  sandbox_process proc({"--people", "8", "--no-limits"});
  TempDir dir;
  const std::string state = linked_state(proc.port(), dir);
  fs::remove(fs::path(state) / "data.mdb");

  Run refused = reconcile(proc.port(), state);
  CHECK(refused.exit_code == 66);
  CHECK(refused.err.find("has no data.mdb, but it was in use") != std::string::npos);
  CHECK(refused.err.find("--reinitialize") != std::string::npos);
  CHECK_FALSE(fs::exists(fs::path(state) / "data.mdb"));  // nothing re-created
  Run shown = status(state);
  CHECK(shown.exit_code == 66);

  Run again = reconcile(proc.port(), state, {"--reinitialize"});
  CHECK_MESSAGE(again.exit_code == 0, again.err);
  CHECK(status(state).exit_code == 0);
}

TEST_CASE("hostile environment: a state dir that belongs to another user is refused") {
  TempDir dir;
  std::string state = dir.sub("state");
  REQUIRE(::mkdir(state.c_str(), 0700) == 0);
  uid_t owner = 65534;
  if (::geteuid() == 0) {
    REQUIRE(::chown(state.c_str(), owner, owner) == 0);  // root: another user's dir
  } else {
    state = "/";  // not root: a dir that is root's
    owner = 0;
  }
  // The sandbox is never reached: the state dir is checked first.
  Run refused = reconcile(1, state);
  CHECK(refused.exit_code == 77);
  CHECK(refused.err.find("belongs to uid " + std::to_string(owner)) != std::string::npos);
  Run shown = status(state);
  CHECK(shown.exit_code == 77);
  if (state != "/")
    CHECK(fs::is_empty(state));  // nothing written into it
}

TEST_CASE("hostile environment: output that cannot be written fails the run with exit 74") {
  sandbox_process proc({"--people", "10", "--no-limits"});
  TempDir dir;
  const std::string state = linked_state(proc.port(), dir);
  const std::string exe = ZOHOSYNC_EXE;
  const std::string common = " --config " + kConfig + " --state-dir " + state;
  const std::vector<std::string> commands = {
      exe + " reconcile --json --log-level warn --base-url http://127.0.0.1:" +
          std::to_string(proc.port()) + common,
      exe + " status" + common,
      exe + " status --json" + common,
      exe + " journal --json" + common,
      exe + " check-config --config " + kConfig,
  };
  for (const std::string& command : commands) {
    CAPTURE(command);
    std::string output;
    CHECK(shell(command + " > /dev/full", &output) == 74);
    CHECK(output.find("cannot write the output: No space left on device") != std::string::npos);
    CHECK(shell(command + " > /dev/null") == 0);
  }
}

// A small file system of the test's own (tmpfs in a private mount and user
// namespace, so no privilege is needed and nothing outlives the script).
TEST_CASE("hostile environment: a full disk is reported as one and leaves a usable state dir") {
  sandbox_process proc({"--people", "8", "--no-limits"});
  TempDir dir;
  const std::string mount = dir.sub("small");
  fs::create_directories(mount);
  // Budgets far above what the test spends: the sandbox enforces none.
  const std::string config_dir = dir.sub("config");
  fs::create_directories(config_dir);
  const std::string config =
      write_config(config_dir, {.base_url = sandbox_url(proc.port()),
                                .state_dir = mount + "/state",
                                .budgets = zohosync::support::generous_budgets()})
          .string();
  const std::string run = std::string(ZOHOSYNC_EXE) + " reconcile --config " + config +
                          " --log-level warn --state-dir " + mount + "/state";
  // 1. A first run with 8 KiB free: refused as a full disk, and no half-made
  //    data.mdb stays behind. 2. Space freed: the next run works.
  // 3. The disk filled again but for 12 KiB, with new people to record: a
  //    full disk again (LMDB meets a write cut short, which it calls EIO),
  //    and what was recorded before is all there once space is freed.
  const std::string script =
      "set -u; mount -t tmpfs -o size=1m tmpfs " + mount + " || exit 90; mkdir -m 700 " + mount +
      "/state; free=$(df --output=avail -B1 " + mount + " | tail -1); dd if=/dev/zero of=" + mount +
      "/filler bs=4096 count=$(( (free - 8192) / 4096 )) 2>/dev/null; " + run +
      "; echo \"first=$?\"; ls -A " + mount + "/state | tr '\\n' ' '; echo; rm " + mount +
      "/filler; " + run + " > /dev/null; echo \"freed=$?\"; dd if=/dev/zero of=" + mount +
      "/filler bs=4096 count=$(( ($(df --output=avail -B1 " + mount +
      " | tail -1) - 12288) / 4096 )) 2>/dev/null; for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 "
      "17 18 19 20; "
      "do curl -s -o /dev/null -X POST http://127.0.0.1:" +
      std::to_string(proc.port()) +
      "/__sandbox/edit -d '{\"product\":\"crm\",\"collection\":\"contacts\",\"op\":\"create\","
      "\"fields\":{\"Email\":\"full'$i'@disk.example\",\"First_Name\":\"Full\",\"Last_Name\":"
      "\"Disk'$i'\"}}'; done; " +
      run + "; echo \"full=$?\"; rm " + mount + "/filler; " + run +
      " > /dev/null; echo \"after=$?\"; " + std::string(ZOHOSYNC_EXE) + " journal --config " +
      config + " --state-dir " + mount +
      "/state --person full20@disk.example | grep -c full20 | sed 's/^/journal=/'";
  ChildProcess sh("unshare", {"-rm", "/bin/sh", "-c", script});
  const auto done = sh.wait(std::chrono::milliseconds(180000));
  REQUIRE(done.has_value());
  const std::string output = sh.out() + sh.err();
  CAPTURE(output);
  REQUIRE(*done == 0);
  CHECK(output.find("first=74") != std::string::npos);
  CHECK(output.find("No space left on device") != std::string::npos);
  CHECK(output.find("disk (or quota) holding the state dir is full") != std::string::npos);
  CHECK(output.find("data.mdb") == std::string::npos);  // `ls`: no half-made data file
  CHECK(output.find("freed=0") != std::string::npos);
  CHECK(output.find("full=74") != std::string::npos);
  // LMDB's EIO for a write cut short, reported as what it is.
  CHECK(output.find("a write was cut short") != std::string::npos);
  CHECK(output.find("Input/output error") == std::string::npos);
  CHECK(output.find("after=0") != std::string::npos);
  CHECK(output.find("journal=") != std::string::npos);
  CHECK(output.find("journal=0") == std::string::npos);
}

TEST_CASE(
    "hostile environment: a second daemon on one state dir refuses to start, naming the first") {
  sandbox_process proc({"--people", "4", "--no-limits"});
  TempDir dir;
  const fs::path root = dir.sub("d");
  fs::create_directories(root);
  const std::string config = write_config(root, {.base_url = sandbox_url(proc.port()),
                                                 .state_dir = root / "state",
                                                 .budgets = zohosync::support::generous_budgets()})
                                 .string();
  zohosync::support::DaemonProcess first(root, config, "first");
  REQUIRE_MESSAGE(first.notify.wait_for("READY=1", std::chrono::milliseconds(60000)),
                  zohosync::support::read_file(first.log));

  Run second = run_zohosync({"daemon", "--config", config});
  CHECK(second.exit_code == 75);
  CHECK(second.err.find("another zohosync daemon (PID " + std::to_string(first.process.pid()) +
                        ") is running") != std::string::npos);
  // A one-shot reconcile beside the daemon stays allowed.
  Run beside = run_zohosync({"reconcile", "--config", config, "--log-level", "warn"});
  CHECK_MESSAGE(beside.exit_code == 0, beside.err);
  CHECK(first.process.running());
  first.process.signal(SIGTERM);
  CHECK(first.process.wait(std::chrono::milliseconds(20000)) == 0);
  // The lock went with the first daemon: the next one starts.
  zohosync::support::DaemonProcess next(root, config, "next");
  CHECK(next.notify.wait_for("READY=1", std::chrono::milliseconds(60000)));
  next.process.signal(SIGTERM);
  CHECK(next.process.wait(std::chrono::milliseconds(20000)) == 0);
}

// A core dump of zohosync would hold the client secret and the tokens. A
// process that is not dumpable writes none, and the kernel shows it: its
// /proc/PID files belong to root instead of to the process's user. When
// the test runs as root, the daemon runs as nobody (setpriv) to tell.
TEST_CASE("hostile environment: zohosync is not dumpable, so no core dump holds its secrets") {
  TempDir dir;
  const fs::path root = dir.sub("d");
  fs::create_directories(root);
  // Products that never answer: the daemon keeps running, retrying.
  const std::string config =
      write_config(root, {.base_url = "http://127.0.0.1:1", .state_dir = root / "state"}).string();
  const bool as_root = ::geteuid() == 0;
  const uid_t user = as_root ? 65534 : ::geteuid();
  std::vector<std::string> args{"daemon", "--config", config};
  std::string exe = ZOHOSYNC_EXE;
  if (as_root) {
    for (const fs::path& p : {fs::path(dir.path()), root, fs::path(config)})
      REQUIRE(::chown(p.c_str(), user, user) == 0);
    args.insert(args.begin(), {"--reuid=65534", "--regid=65534", "--clear-groups", exe});
    exe = "setpriv";
  }
  ChildProcess daemon(exe, args);
  const std::string environ = "/proc/" + std::to_string(daemon.pid()) + "/environ";
  // Bounded: the daemon is past exec (and has marked itself) once its
  // /proc files change hands or once it has written its first log line.
  struct stat st {};
  bool marked = false;
  for (int i = 0; i < 200 && !marked; ++i) {
    marked = ::stat(environ.c_str(), &st) == 0 && st.st_uid == 0 && daemon.running() &&
             !daemon.err().empty();
    if (!marked)
      daemon.wait(std::chrono::milliseconds(50));
  }
  CAPTURE(daemon.err());
  REQUIRE(daemon.running());
  CHECK(::stat(environ.c_str(), &st) == 0);
  CHECK(st.st_uid == 0);
  CHECK(st.st_uid != user);
  daemon.signal(SIGTERM);
  CHECK(daemon.wait(std::chrono::milliseconds(20000)).has_value());
}

// No product answers (a network down, a wrong base URL): each product is
// named once as unreachable, with why, and the run exits 69 (EX_UNAVAILABLE)
// so that a timer or a script tells an outage from records that failed.
TEST_CASE("hostile environment: products that cannot be reached are an outage, exit 69") {
  TempDir dir;
  const std::string state = dir.sub("state");
  Run down = run_zohosync({"reconcile", "--config", kConfig, "--base-url", "http://127.0.0.1:1",
                           "--state-dir", state, "--log-level", "warn"});
  CHECK(down.exit_code == 69);
  for (const char* product : {"crm", "inventory", "projects", "contracts"}) {
    CAPTURE(product);
    const std::string line = std::string("unreachable: ") + product + " (";
    const auto at = down.out.find(line);
    REQUIRE(at != std::string::npos);
    CHECK(down.out.find(line, at + 1) == std::string::npos);  // once per product
  }
  CHECK(down.out.find("inventory.contact_persons, inventory.users") != std::string::npos);
  CHECK(down.out.find("cannot connect to http://127.0.0.1:1") != std::string::npos);
  CHECK(down.out.find("(new record)") == std::string::npos);
  CHECK(down.out.find("4 problems need attention") != std::string::npos);

  Run json = run_zohosync({"reconcile", "--json", "--config", kConfig, "--base-url",
                           "http://127.0.0.1:1", "--state-dir", state, "--log-level", "warn"});
  CHECK(json.exit_code == 69);
  const auto doc = boost::json::parse(json.out).as_object();
  const auto& unreachable = doc.at("unreachable").as_object();
  CHECK(unreachable.size() == 4);
  CHECK(unreachable.at("inventory").at("collections").as_array().size() == 2);
}
