#include "tests/faults/fault_support.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/json.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>

#include "tests/daemon/process.hpp"

namespace zohosync::faults::test {

namespace json = boost::json;
using sandbox::test::session;

namespace {

std::string normalized(std::string email) {
  auto blank = [](unsigned char c) { return std::isspace(c) != 0; };
  email.erase(email.begin(), std::find_if_not(email.begin(), email.end(), blank));
  email.erase(std::find_if_not(email.rbegin(), email.rend(), blank).base(), email.end());
  for (char& c : email)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return email;
}

std::string text(const json::object& o, const char* key) {
  auto it = o.find(key);
  if (it == o.end())
    return "";
  if (it->value().is_string())
    return std::string(it->value().as_string());
  return json::serialize(it->value());
}

void require_ok(const sandbox::test::http_reply& reply, const std::string& what) {
  if (reply.status < 200 || reply.status >= 300)
    throw std::runtime_error(what + ": HTTP " + std::to_string(reply.status) + " " + reply.body);
}

// Where each collection sits in the sandbox dump.
struct Place {
  const char* collection;
  const char* product;
  const char* list;
  const char* email;
  const char* id;
};
constexpr Place kPlaces[] = {
    {"inventory.contact_persons", "inventory", "contact_persons", "email", "contact_person_id"},
    {"inventory.users", "inventory", "users", "email", "user_id"},
    {"projects.contacts", "projects", "contacts", "email", "id"},
    {"crm.contacts", "crm", "contacts", "Email", "id"},
    {"contracts.counterparty_contacts", "contracts", "counterpartyusers", "emailId", "id"},
};

// A loopback port nobody listens on right now (the config wants a fixed one).
std::string free_listen_address() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
    throw std::runtime_error("no free loopback port");
  ::close(fd);
  return "127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
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

std::string write_config(const fs::path& dir, const ConfigOptions& o) {
  const fs::path path = dir / "zohosync.toml";
  const std::string poll = std::to_string(o.poll.count()) + "ms";
  std::ofstream out(path);
  out << "[service]\nstate_dir = \"" << o.state_dir.string() << "\"\n"
      << "metrics_listen = \"" << free_listen_address() << "\"\nshutdown_timeout = \"5s\"\n"
      << "health_max_missed_polls = 1000\n"
      << "[zoho]\nbase_url = \"http://127.0.0.1:" << o.sandbox_port << "\"\n"
      << "[oauth]\nclient_id = \"1000.SANDBOXCLIENT\"\nallow_inline_secrets = true\n"
      << "client_secret = \"sandbox-secret\"\nrefresh_token = \"1000.sandbox.refresh\"\n"
      << "[http]\ntimeout = \"" << o.timeout.count() << "ms\"\nretries = " << o.retries
      << "\n"
      // Each below the sandbox's limit (limited_sandbox_args); Contracts has none.
      << "[http.inventory]\nrequests = 1650\nwindow = \"1m\"\nconcurrency = 5\n"
      << "[http.projects]\nrequests = 5400\nwindow = \"2m\"\nconcurrency = 5\n"
      << "[http.crm]\nrequests = 600\nwindow = \"1m\"\nconcurrency = 5\n"
      << "[http.contracts]\nrequests = 6000\nwindow = \"1m\"\nconcurrency = 5\n"
      << "[inventory]\nenabled = true\norganization_id = \"10234695\"\n"
      << "[projects]\nenabled = true\nportal_id = \"60012345678\"\n"
      << "[crm]\nenabled = true\ndaily_credits = 50000\n[contracts]\nenabled = true\n"
      << "[sync]\non_delete = \"" << o.on_delete << "\"\n";
  for (const Place& p : kPlaces) {
    const std::string id = p.collection;
    out << "[collections." << id << "]\npoll_interval = \"" << poll << "\"\npoll_jitter = \"0s\"\n";
    if (id == "inventory.contact_persons")
      out << "create = true\ndefault_contact_id = \"460000000000001\"\n";
    else if (id == "projects.contacts")
      out << "create = true\ndefault_client_id = \"170876000000000001\"\n";
    else if (id == "crm.contacts")
      out << "create = true\n";
    else if (id == "contracts.counterparty_contacts")
      out << "create = true\ndefault_counterparty = \"NewPeople\"\n";
  }
  return path.string();
}

Run reconcile(const fs::path& scratch, const std::string& config, Millis limit) {
  const fs::path out = scratch / "reconcile.out", err = scratch / "reconcile.err";
  fs::remove(out);
  fs::remove(err);
  // stdout (the JSON) and stderr (the log) apart: the shell only redirects.
  const std::string command = "exec '" + std::string(ZOHOSYNC_EXE) +
                              "' reconcile --json --log-level warn --config '" + config + "' 2>'" +
                              err.string() + "'";
  const auto start = std::chrono::steady_clock::now();
  Run run;
  {
    daemon::test::ChildProcess child("/bin/sh", {"-c", command}, {}, out);
    run.exit_code = child.wait(limit);
  }  // killed here when it overran
  run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  run.out = daemon::test::read_file(out);
  run.err = daemon::test::read_file(err);
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

std::vector<std::string> Census::duplicates() const {
  std::vector<std::string> out;
  for (const auto& [collection, emails] : by_collection) {
    for (const auto& [email, n] : emails) {
      if (n > 1)
        out.push_back(collection + " " + email + " x" + std::to_string(n));
    }
  }
  return out;
}

std::vector<std::string> Census::missing(const std::set<std::string>& people) const {
  std::vector<std::string> out;
  for (const std::string& collection : create_collections()) {
    auto it = by_collection.find(collection);
    for (const std::string& email : people) {
      if (it == by_collection.end() || it->second.count(email) == 0)
        out.push_back(collection + " " + email);
    }
  }
  return out;
}

Census census(const json::object& dump) {
  Census c;
  for (const Place& p : kPlaces) {
    auto& emails = c.by_collection[p.collection];
    const auto& rows = dump.at(p.product).as_object().at(p.list).as_array();
    c.records[p.collection] = rows.size();
    for (const auto& row : rows) {
      const auto& o = row.as_object();
      const std::string email = normalized(text(o, p.email));
      c.record_ids.insert(std::string(p.collection) + "/" + text(o, p.id));
      if (email.empty())
        continue;
      ++emails[email];
      c.everyone.insert(email);
    }
  }
  return c;
}

const std::vector<std::string>& create_collections() {
  static const std::vector<std::string> ids = {"inventory.contact_persons", "projects.contacts",
                                               "crm.contacts", "contracts.counterparty_contacts"};
  return ids;
}

}  // namespace zohosync::faults::test
