#include "bench/daemon_fixture.hpp"

#include <stdlib.h>

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <stdexcept>

#include "tests/daemon/process.hpp"

namespace zohosync::bench {

namespace fs = std::filesystem;
namespace json = boost::json;
using namespace std::chrono_literals;

BenchDir::BenchDir() {
  std::string pattern = (fs::temp_directory_path() / "zohosync-bench-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr)
    throw std::runtime_error("bench: cannot create a temp dir");
  path_ = pattern;
}

BenchDir::~BenchDir() {
  const char* keep = std::getenv("ZOHOSYNC_BENCH_KEEP");
  if (keep != nullptr && std::string(keep) == "1") {
    std::fprintf(stderr, "zohosync-bench: kept %s\n", path_.c_str());
    return;
  }
  std::error_code ec;
  fs::remove_all(path_, ec);
}

std::string make_default_contacts(sandbox::test::session& sb, std::size_t people) {
  const std::size_t wanted = std::clamp<std::size_t>((people + 199) / 200, 1, 100);
  std::string ids = "460000000000001";  // the sandbox's own "New People"
  for (std::size_t i = 2; i <= wanted; ++i) {
    json::object body{{"product", "inventory"},
                      {"collection", "contacts"},
                      {"op", "create"},
                      {"fields", json::object{{"contact_name", "New People " + std::to_string(i)},
                                              {"company_name", "New People"}}}};
    auto reply = sb.admin_post("edit", json::serialize(body));
    if (reply.status != 201)
      throw std::runtime_error("bench: the sandbox refused a default contact: " + reply.body);
    const json::value answer = reply.json();  // kept: what at() returns points into it
    ids += "," + std::string(answer.at("record").at("contact_id").as_string());
  }
  return ids;
}

std::string write_daemon_config(const fs::path& dir, std::uint16_t port, const json::object& info,
                                int poll_ms, bool generous, const std::string& name,
                                const std::string& default_contacts) {
  auto text = [&info](const char* key) { return std::string(info.at(key).as_string()); };
  const auto path = dir / name;
  std::ofstream out(path);
  out << "[service]\nstate_dir = \"" << (dir / "state").string() << "\"\n"
      << "metrics_listen = \"\"\nlog_level = \"info\"\n"
      << "[zoho]\nbase_url = \"http://127.0.0.1:" << port
      << "\"\n"
      // The credentials the sandbox accepts, as it states them.
      << "[oauth]\nclient_id = \"" << text("client_id") << "\"\nallow_inline_secrets = true\n"
      << "client_secret = \"" << text("client_secret") << "\"\nrefresh_token = \""
      << text("refresh_token") << "\"\n"
      << "[http]\ntimeout = \"30s\"\nretries = 2\n";
  if (generous) {
    out << "[http.inventory]\nrequests = 1000000\n[http.projects]\nrequests = 1000000\n"
        << "[http.crm]\nrequests = 1000000\n[http.contracts]\nrequests = 1000000\n";
  }
  out << "[inventory]\nenabled = true\norganization_id = \"10234695\"\n"
      << "[projects]\nenabled = true\nportal_id = \"60012345678\"\n"
      << "[crm]\nenabled = true\n"
      << (generous ? "daily_credits = 1000000\n" : "") << "[contracts]\nenabled = true\n";
  const int jitter = std::max(1, poll_ms / 10);
  for (const char* c : {"inventory.contact_persons", "inventory.users", "projects.contacts",
                        "crm.contacts", "contracts.counterparty_contacts"}) {
    out << "[collections." << c << "]\npoll_interval = \"" << poll_ms << "ms\"\npoll_jitter = \""
        << jitter << "ms\"\n";
    const std::string id = c;
    if (id == "inventory.contact_persons")
      out << "create = true\ndefault_contact_id = \"" << default_contacts << "\"\n";
    else if (id == "projects.contacts")
      out << "create = true\ndefault_client_id = \"170876000000000001\"\n";
    else if (id == "crm.contacts")
      out << "create = true\n";
    else if (id == "contracts.counterparty_contacts")
      out << "create = true\ndefault_counterparty = \"NewPeople\"\n";
  }
  return path.string();
}

RequestCounts request_counts(sandbox::test::session& sb) {
  const json::object counters = sb.client.get("/__sandbox/counters").obj();
  RequestCounts out;
  for (const auto& [product, n] : counters.at("by_product").as_object())
    out.by_product[std::string(product)] = n.to_number<std::int64_t>();
  out.limited = counters.at("limited_total").to_number<std::int64_t>();
  return out;
}

RequestCounts spent_between(const RequestCounts& before, const RequestCounts& after) {
  RequestCounts out;
  out.limited = after.limited - before.limited;
  for (const auto& [product, n] : after.by_product) {
    auto earlier = before.by_product.find(product);
    out.by_product[product] = n - (earlier == before.by_product.end() ? 0 : earlier->second);
  }
  return out;
}

void link_then_enforce_limits(sandbox::test::session& sb, const fs::path& dir, std::uint16_t port,
                              const std::string& default_contacts) {
  const std::string first = write_daemon_config(dir, port, sb.info, 5'000, /*generous=*/true,
                                                "first.toml", default_contacts);
  daemon::test::ChildProcess reconcile(ZOHOSYNC_EXE, {"reconcile", "--config", first}, {},
                                       dir / "reconcile.log");
  const auto status = reconcile.wait(std::chrono::milliseconds(1200s));
  if (!status || *status != 0)
    throw std::runtime_error("bench: the first reconcile failed:\n" +
                             daemon::test::read_file(dir / "reconcile.log"));
  // Zoho's published limits (the sandbox's defaults).
  const json::object limits{{"limits", json::object{{"crm_concurrency", 10},
                                                    {"crm_daily_credits", 50000},
                                                    {"inventory_per_minute", 100},
                                                    {"inventory_concurrency", 10},
                                                    {"inventory_daily", 10000},
                                                    {"projects_per_window", 100},
                                                    {"projects_window_s", 120},
                                                    {"projects_lockout_s", 1800}}}};
  // The reconcile's requests are still in the sandbox's windows (2 minutes
  // for Projects, a day for Inventory and CRM): they must not count against
  // the measured run. The sandbox clock steps past them.
  if (sb.admin_post("clock", R"({"advance":86520})").status != 200 ||
      sb.admin_post("knobs", json::serialize(limits)).status != 200)
    throw std::runtime_error("bench: the sandbox refused its clock or its limits");
}

}  // namespace zohosync::bench
