#include "tests/support/sandbox_config.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace zohosync::support {

namespace fs = std::filesystem;

namespace {

void write_private(const fs::path& file, const std::string& text) {
  {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out << text;
  }
  fs::permissions(file, fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::replace);
}

std::string ms(Millis d) {
  return std::to_string(d.count()) + "ms";
}

// The collections in the order they are written, and what creates need.
struct Collection {
  const char* id;
  const char* product;
  const char* create;  // nullptr: no creates; "" creates with no default
};
constexpr Collection kCollections[] = {
    {"inventory.contact_persons", "inventory", "default_contact_id = \"460000000000001\"\n"},
    {"inventory.users", "inventory", nullptr},
    {"projects.contacts", "projects", "default_client_id = \"170876000000000001\"\n"},
    {"crm.contacts", "crm", ""},
    {"contracts.counterparty_contacts", "contracts", "default_counterparty = \"NewPeople\"\n"},
};

}  // namespace

std::vector<std::string> sandbox_credential_args(const Credentials& c) {
  return {"--client-id",   c.client_id,       "--client-secret",
          c.client_secret, "--refresh-token", c.refresh_token};
}

std::map<std::string, Budget> generous_budgets() {
  std::map<std::string, Budget> budgets;
  for (const char* product : {"inventory", "projects", "crm", "contracts"})
    budgets[product] = Budget{.requests = 10000};
  return budgets;
}

fs::path write_config(const fs::path& dir, const SandboxConfig& c) {
  auto enabled = [&](const std::string& product) { return !c.crm_only || product == "crm"; };
  std::ostringstream out;
  out << "[service]\nstate_dir = \"" << c.state_dir.string() << "\"\n"
      << "metrics_listen = \"" << c.metrics_listen << "\"\nshutdown_timeout = \"5s\"\n";
  if (c.health_max_missed_polls)
    out << "health_max_missed_polls = " << *c.health_max_missed_polls << "\n";
  out << "[zoho]\nbase_url = \"" << c.base_url << "\"\n"
      << "[oauth]\nclient_id = \"" << c.credentials.client_id << "\"\n";
  if (c.secrets_in_files) {
    write_private(dir / "client_secret", c.credentials.client_secret + "\n");
    write_private(dir / "refresh_token", c.credentials.refresh_token + "\n");
    out << "client_secret_file = \"" << (dir / "client_secret").string() << "\"\n"
        << "refresh_token_file = \"" << (dir / "refresh_token").string() << "\"\n";
  } else {
    out << "allow_inline_secrets = true\nclient_secret = \"" << c.credentials.client_secret
        << "\"\nrefresh_token = \"" << c.credentials.refresh_token << "\"\n";
  }
  out << "[http]\ntimeout = \"" << ms(c.timeout) << "\"\nretries = " << c.retries << "\n";
  if (!c.ca_file.empty())
    out << "ca_file = \"" << c.ca_file << "\"\n";
  for (const auto& [product, budget] : c.budgets) {
    if (!enabled(product))
      continue;
    out << "[http." << product << "]\nrequests = " << budget.requests << "\n";
    if (!budget.window.empty())
      out << "window = \"" << budget.window << "\"\n";
    if (budget.concurrency > 0)
      out << "concurrency = " << budget.concurrency << "\n";
  }
  if (enabled("inventory"))
    out << "[inventory]\nenabled = true\norganization_id = \"10234695\"\n";
  if (enabled("projects"))
    out << "[projects]\nenabled = true\nportal_id = \"60012345678\"\n";
  out << "[crm]\nenabled = true\n";
  if (c.crm_daily_credits)
    out << "daily_credits = " << *c.crm_daily_credits << "\n";
  if (enabled("contracts"))
    out << "[contracts]\nenabled = true\n";
  if (!c.on_delete.empty())
    out << "[sync]\non_delete = \"" << c.on_delete << "\"\n";
  for (const Collection& collection : kCollections) {
    if (!enabled(collection.product))
      continue;
    out << "[collections." << collection.id << "]\npoll_interval = \"" << ms(c.poll)
        << "\"\npoll_jitter = \"" << ms(c.jitter) << "\"\n";
    if (collection.create != nullptr)
      out << "create = true\n" << collection.create;
  }
  const fs::path path = dir / "zohosync.toml";
  if (c.secrets_in_files) {
    write_private(path, out.str());
  } else {
    std::ofstream(path) << out.str();
  }
  return path;
}

std::string sandbox_url(std::uint16_t port) {
  return "http://127.0.0.1:" + std::to_string(port);
}

std::uint16_t free_loopback_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  const bool bound = fd >= 0 && ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
                     ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0;
  if (fd >= 0)
    ::close(fd);
  if (!bound)
    throw std::runtime_error("no free loopback port");
  return ntohs(addr.sin_port);
}

std::string free_listen_address() {
  return "127.0.0.1:" + std::to_string(free_loopback_port());
}

}  // namespace zohosync::support
