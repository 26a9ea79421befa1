// "Is it healthy?" asked three ways of one running daemon: /status (JSON),
// the page at / as headless Chromium shows it, and `zohosync status` beside
// it. All three must say the same, and say when a product stops answering.
#include <doctest/doctest.h>
#include <signal.h>

#include <boost/json.hpp>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
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
namespace json = boost::json;
using namespace std::chrono_literals;
using zohosync::sandbox::test::http_client;
using zohosync::sandbox::test::sandbox_process;
using zohosync::sandbox::test::session;
using zohosync::support::ChildProcess;
using zohosync::support::read_file;
using zohosync::support::TempDir;

json::object get_status(std::uint16_t admin) {
  http_client client(admin);
  auto reply = client.get("/status");
  REQUIRE(reply.status == 200);
  return reply.obj();
}

// Asks /status every 100 ms until `done` holds, for at most `limit`.
template <typename Done>
json::object wait_status(std::uint16_t admin, Done done, std::chrono::milliseconds limit) {
  const auto end = std::chrono::steady_clock::now() + limit;
  json::object status = get_status(admin);
  while (!done(status) && std::chrono::steady_clock::now() < end) {
    std::this_thread::sleep_for(100ms);
    status = get_status(admin);
  }
  return status;
}

std::string state_of(const json::object& status, const std::string& collection) {
  return std::string(status.at("collections").at(collection).at("state").as_string());
}

// What headless Chromium makes of the page: its DOM after loading.
std::string page_as_chromium_shows_it(std::uint16_t admin, const TempDir& dir) {
  ChildProcess chromium("chromium",
                        {"--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                         "--user-data-dir=" + dir.sub("chromium"), "--dump-dom",
                         "http://127.0.0.1:" + std::to_string(admin) + "/"});
  const auto code = chromium.wait(90s);
  REQUIRE_MESSAGE(code == 0, chromium.err());
  return chromium.out();
}

// The text of the cell `field` in the row of `collection`.
std::string cell(const std::string& dom, const std::string& collection, const std::string& field) {
  const auto row = dom.find("data-collection=\"" + collection + "\"");
  REQUIRE(row != std::string::npos);
  const auto end = dom.find("</tr>", row);
  const std::string tr = dom.substr(row, end - row);
  const std::string opening = "data-field=\"" + field + "\">";
  const auto at = tr.find(opening);
  REQUIRE(at != std::string::npos);
  const auto from = at + opening.size();
  return tr.substr(from, tr.find('<', from) - from);
}

// The STATE column of `collection`'s line in `zohosync status`'s table.
std::string table_state(const std::string& text, const std::string& collection) {
  const auto line = text.find("\n" + collection + " ");
  REQUIRE(line != std::string::npos);
  const auto from = text.find_first_not_of(' ', line + 1 + collection.size());
  return text.substr(from, text.find("  ", from) - from);
}

// Every "zohosync_..." name in `text` (the metric names a file refers to).
std::vector<std::string> metric_names(const std::string& text) {
  std::vector<std::string> names;
  for (auto at = text.find("zohosync_"); at != std::string::npos;
       at = text.find("zohosync_", at + 1)) {
    auto end = at;
    while (end < text.size() &&
           (std::islower(static_cast<unsigned char>(text[end])) || text[end] == '_'))
      ++end;
    names.push_back(text.substr(at, end - at));
    at = end - 1;
  }
  return names;
}

}  // namespace

TEST_CASE("status: /status, the page at / and `zohosync status` agree, and show a product down") {
  sandbox_process proc({"--people", "8", "--no-limits"});
  session sb(proc.port());
  TempDir dir;
  const std::string config =
      zohosync::support::write_config(dir.path(),
                                      {.base_url = zohosync::support::sandbox_url(proc.port()),
                                       .state_dir = dir.path() / "state",
                                       .metrics_listen = zohosync::support::free_listen_address(),
                                       .budgets = zohosync::support::generous_budgets(),
                                       .poll = 1000ms,
                                       .jitter = 100ms})
          .string();
  zohosync::support::DaemonProcess daemon(dir.path(), config, "status");
  const auto admin = daemon.metrics_port(20s);
  REQUIRE_MESSAGE(admin.has_value(), read_file(daemon.log));

  const auto all_ok = [](const json::object& s) {
    if (!s.at("healthy").as_bool())
      return false;
    for (const auto& [name, c] : s.at("collections").as_object())
      if (c.at("state") != "ok" || c.at("pending").at("creates") != 0)
        return false;
    return true;
  };
  json::object status = wait_status(*admin, all_ok, 60s);
  REQUIRE_MESSAGE(all_ok(status), json::serialize(status));
  CHECK(status.at("schema") == 1);
  CHECK(status.at("daemon_running") == true);
  CHECK(status.at("problems").as_array().empty());
  const auto& crm = status.at("collections").at("crm.contacts").as_object();
  CHECK(crm.at("linked").to_number<std::uint64_t>() > 0);
  CHECK(crm.at("last_success").is_string());
  CHECK(crm.at("next_poll").is_string());
  CHECK(crm.at("last_failure").is_null());
  for (const char* product : {"inventory", "projects", "crm", "contracts"})
    CHECK(status.at("budgets").as_object().contains(product));

  // The monitoring pack (contrib/) names only metrics this daemon serves;
  // counters exist at 0 before their first event; no collection="*".
  http_client metrics_client(*admin);
  const std::string metrics = metrics_client.get("/metrics").body;
  for (const char* file :
       {"contrib/prometheus/alerts.yml", "contrib/grafana/zohosync-dashboard.json"}) {
    const std::string text = read_file(fs::path(ZOHOSYNC_SOURCE_DIR) / file);
    const auto names = metric_names(text);
    for (std::string metric : names) {
      for (const char* suffix : {"_bucket", "_sum", "_count"}) {
        const std::string s(suffix);
        if (metric.size() > s.size() && metric.compare(metric.size() - s.size(), s.size(), s) == 0)
          metric.resize(metric.size() - s.size());
      }
      CAPTURE(file);
      CAPTURE(metric);
      CHECK(metrics.find("# TYPE " + metric + " ") != std::string::npos);
    }
    CHECK(names.size() > 5);
  }
  CHECK(metrics.find("zohosync_writes_total{collection=\"crm.contacts\",result=\"failed\"} 0\n") !=
        std::string::npos);
  CHECK(metrics.find("# TYPE zohosync_cycle_duration_seconds histogram") != std::string::npos);
  CHECK(metrics.find("zohosync_api_request_duration_seconds_count{product=\"crm\"}") !=
        std::string::npos);
  CHECK(metrics.find("zohosync_build_info{version=") != std::string::npos);
  CHECK(metrics.find("collection=\"*\"") == std::string::npos);

  // CRM stops answering: every call a 500.
  REQUIRE(sb.admin_post("faults", R"({"kind":"500","path":"/crm/v8/*","times":100000})").status ==
          200);
  status = wait_status(
      *admin, [](const json::object& s) { return state_of(s, "crm.contacts") == "failing"; }, 60s);
  REQUIRE(state_of(status, "crm.contacts") == "failing");
  CHECK(status.at("healthy") == false);
  const std::string error(status.at("collections").at("crm.contacts").at("last_error").as_string());
  CHECK(error.find("500") != std::string::npos);
  bool named = false;
  for (const auto& p : status.at("problems").as_array())
    named = named || std::string(p.as_string()).rfind("crm.contacts: failing since ", 0) == 0;
  CHECK(named);
  CHECK(state_of(status, "inventory.contact_persons") == "ok");

  // The page, as a browser shows it, against /status asked right before and
  // after: a collection whose state moved meanwhile (a poll came due) is not
  // compared on its state.
  const json::object before_page = get_status(*admin);
  const std::string dom = page_as_chromium_shows_it(*admin, dir);
  status = get_status(*admin);
  CHECK(dom.find("<span id=\"verdict\" class=\"verdict unhealthy\">needs attention</span>") !=
        std::string::npos);
  for (const auto& [name, value] : status.at("collections").as_object()) {
    const std::string collection(name);
    CAPTURE(collection);
    const auto& c = value.as_object();
    if (state_of(before_page, collection) == state_of(status, collection))
      CHECK(cell(dom, collection, "state") == std::string(c.at("state").as_string()));
    CHECK(cell(dom, collection, "linked") ==
          std::to_string(c.at("linked").to_number<std::uint64_t>()));
    const auto& p = c.at("pending").as_object();
    CHECK(cell(dom, collection, "pending") ==
          std::to_string(p.at("creates").to_number<std::uint64_t>()) + "/" +
              std::to_string(p.at("updates").to_number<std::uint64_t>()) + "/" +
              std::to_string(p.at("deletes").to_number<std::uint64_t>()));
  }
  CHECK(cell(dom, "crm.contacts", "last_error").find("500") != std::string::npos);

  // `zohosync status` beside the running daemon says the same.
  auto text = zohosync::support::run_zohosync({"status", "--config", config});
  CHECK(text.exit_code == 0);
  CHECK(text.out.find("problem: crm.contacts: failing since ") != std::string::npos);
  CHECK(table_state(text.out, "crm.contacts") == "failing");
  CHECK(table_state(text.out, "inventory.contact_persons") == "ok");

  daemon.process.signal(SIGTERM);
  CHECK(daemon.process.wait(30s) == 0);
}
