#include "tests/faults/fault_support.hpp"

#include <boost/json.hpp>

#include <cmath>
#include <stdexcept>

#include "tests/support/sandbox_config.hpp"

namespace zohosync::faults::test {

namespace json = boost::json;
using sandbox::test::session;

namespace {

void require_ok(const sandbox::test::http_reply& reply, const std::string& what) {
  if (reply.status < 200 || reply.status >= 300)
    throw std::runtime_error(what + ": HTTP " + std::to_string(reply.status) + " " + reply.body);
}

}  // namespace

std::vector<std::string> limited_sandbox_args(int people, int seed) {
  return {"--seed", std::to_string(seed), "--people", std::to_string(people), "--overlap", "0.5",
          "--duplicates", "0", "--no-email", "0",
          // Zoho's: Inventory 10 concurrent, CRM 10 concurrent and 50,000
          // credits a day, tokens 10 per 10 minutes (the defaults). Scaled:
          "--inventory-per-minute", "1200", "--projects-per-window", "6000", "--projects-window",
          "120"};
}

std::string limited_config(const fs::path& dir, const ConfigOptions& o) {
  return support::write_config(
             dir, {.base_url = support::sandbox_url(o.sandbox_port),
                   .state_dir = o.state_dir,
                   .metrics_listen = support::free_listen_address(),
                   .health_max_missed_polls = 1000,
                   .timeout = o.timeout,
                   .retries = o.retries,
                   // Each below the sandbox's limit (limited_sandbox_args); Contracts has none.
                   .budgets = {{"inventory", {.requests = 1650, .window = "1m", .concurrency = 5}},
                               {"projects", {.requests = 5400, .window = "2m", .concurrency = 5}},
                               {"crm", {.requests = 600, .window = "1m", .concurrency = 5}},
                               {"contracts", {.requests = 6000, .window = "1m", .concurrency = 5}}},
                   .crm_daily_credits = 50000,
                   .poll = o.poll,
                   .jitter = Millis(0),
                   .on_delete = o.on_delete})
      .string();
}

ReconcileRun reconcile(const std::string& config, Millis limit) {
  ReconcileRun run;
  static_cast<support::Run&>(run) = support::run_zohosync(
      {"reconcile", "--json", "--log-level", "warn", "--config", config}, {.limit = limit});
  boost::system::error_code ec;
  json::value doc = json::parse(run.out, ec);
  if (!ec && doc.is_object())
    run.report = doc.as_object();
  return run;
}

void add_fault(session& sb, const json::object& rule) {
  require_ok(sb.admin_post("faults", json::serialize(rule)), "adding a fault");
}

void add_random_faults(session& sb, double total, int hang_ms) {
  const char* kinds[] = {"500", "429", "reset", "hang", "truncate", "malformed"};
  constexpr double kKinds = 6;
  // Rules are tried in turn, each with its own draw: the chance that one
  // fires is 1 - (1 - each)^6 = total.
  const double each = 1.0 - std::pow(1.0 - total, 1.0 / kKinds);
  for (const char* kind : kinds) {
    json::object rule{{"kind", kind}, {"path", "*"}, {"rate", each}, {"times", 1000000}};
    if (std::string(kind) == "hang")
      rule["ms"] = hang_ms;
    add_fault(sb, rule);
  }
}

void clear_faults(session& sb) {
  require_ok(sb.client.request("DELETE", "/__sandbox/faults"), "clearing faults");
}

std::map<std::string, std::int64_t> faults_fired(session& sb) {
  std::map<std::string, std::int64_t> fired;
  const json::value listed = sb.client.get("/__sandbox/faults").json();
  const json::array& rules = listed.is_object() ? listed.at("rules").as_array() : listed.as_array();
  for (const auto& r : rules)
    fired[std::string(r.at("kind").as_string())] += r.at("fired").to_number<std::int64_t>();
  return fired;
}

std::int64_t limited_total(session& sb) {
  return sb.client.get("/__sandbox/counters").obj().at("limited_total").to_number<std::int64_t>();
}

std::map<std::string, std::int64_t> calls_by_product(session& sb) {
  std::map<std::string, std::int64_t> calls;
  const json::object counters = sb.client.get("/__sandbox/counters").obj();
  for (const auto& [product, n] : counters.at("by_product").as_object())
    calls[std::string(product)] = n.to_number<std::int64_t>();
  return calls;
}

void expire_tokens(session& sb) {
  require_ok(sb.admin_post("clock", R"({"advance":3601})"), "advancing the clock");
}

}  // namespace zohosync::faults::test
