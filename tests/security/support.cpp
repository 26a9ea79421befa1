#include "tests/security/support.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "tests/sandbox/test_client.hpp"

namespace zohosync::security::test {

namespace fs = std::filesystem;

std::string read_bytes(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

Run run_zohosync(const fs::path& scratch, const std::vector<std::string>& args,
                 const std::map<std::string, std::string>& env, int limit_s) {
  const fs::path out = scratch / "run.stdout", err = scratch / "run.stderr";
  std::vector<std::string> argv_store{ZOHOSYNC_EXE};
  argv_store.insert(argv_store.end(), args.begin(), args.end());
  const pid_t pid = ::fork();
  if (pid < 0)
    throw std::runtime_error("fork failed");
  if (pid == 0) {
    const int out_fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int err_fd = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::dup2(out_fd, 1);
    ::dup2(err_fd, 2);
    for (const auto& [k, v] : env)
      ::setenv(k.c_str(), v.c_str(), 1);
    std::vector<char*> argv;
    for (auto& a : argv_store)
      argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(argv_store[0].c_str(), argv.data());
    ::_exit(127);
  }
  int status = 0;
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(limit_s);
  while (::waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() >= end) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  Run run;
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  run.out = read_bytes(out);
  run.err = read_bytes(err);
  return run;
}

std::vector<std::string> sandbox_credential_args(const Credentials& c) {
  return {"--client-id",   c.client_id,       "--client-secret",
          c.client_secret, "--refresh-token", c.refresh_token};
}

namespace {

void write_private(const fs::path& file, const std::string& text) {
  {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out << text;
  }
  fs::permissions(file, fs::perms::owner_read | fs::perms::owner_write);
}

}  // namespace

fs::path write_config(const fs::path& dir, const ConfigSpec& spec, const Credentials& c) {
  write_private(dir / "client_secret", c.client_secret + "\n");
  write_private(dir / "refresh_token", c.refresh_token + "\n");
  std::ostringstream out;
  out << "[service]\nstate_dir = \"" << spec.state_dir.string() << "\"\n"
      << "metrics_listen = \"" << spec.metrics_listen << "\"\nshutdown_timeout = \"5s\"\n"
      << "[zoho]\nbase_url = \"" << spec.base_url << "\"\n"
      << "[oauth]\nclient_id = \"" << c.client_id << "\"\n"
      << "client_secret_file = \"" << (dir / "client_secret").string() << "\"\n"
      << "refresh_token_file = \"" << (dir / "refresh_token").string() << "\"\n"
      << "[http]\ntimeout = \"5s\"\nretries = 1\n";
  if (!spec.ca_file.empty())
    out << "ca_file = \"" << spec.ca_file << "\"\n";
  out << "[crm]\nenabled = true\n[collections.crm.contacts]\npoll_interval = \"" << spec.poll
      << "\"\npoll_jitter = \"100ms\"\ncreate = true\n";
  if (!spec.crm_only) {
    out << "[http.inventory]\nrequests = 10000\n[http.projects]\nrequests = 10000\n"
        << "[http.crm]\nrequests = 10000\n[http.contracts]\nrequests = 10000\n"
        << "[inventory]\nenabled = true\norganization_id = \"10234695\"\n"
        << "[projects]\nenabled = true\nportal_id = \"60012345678\"\n"
        << "[contracts]\nenabled = true\n";
    const char* others[][2] = {
        {"inventory.contact_persons", "default_contact_id = \"460000000000001\""},
        {"inventory.users", ""},
        {"projects.contacts", "default_client_id = \"170876000000000001\""},
        {"contracts.counterparty_contacts", "default_counterparty = \"NewPeople\""}};
    for (const auto& [id, extra] : others) {
      out << "[collections." << id << "]\npoll_interval = \"" << spec.poll
          << "\"\npoll_jitter = \"100ms\"\n";
      if (*extra)
        out << "create = true\n" << extra << "\n";
    }
  }
  const fs::path config = dir / "zohosync.toml";
  write_private(config, out.str());
  return config;
}

std::uint16_t free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    throw std::runtime_error("no free loopback port");
  }
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

std::string http_get(std::uint16_t port, const std::string& target, int* status) {
  sandbox::test::http_client client(port);
  const auto reply = client.get(target);
  if (status)
    *status = reply.result == sandbox::test::outcome::ok ? reply.status : 0;
  return reply.result == sandbox::test::outcome::ok ? reply.body : "";
}

unsigned mode_of(const fs::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    return 0xFFFF;
  return static_cast<unsigned>(st.st_mode & 07777);
}

}  // namespace zohosync::security::test

namespace zohosync::security::test {

double metric_sum(const std::string& text, const std::string& family) {
  double total = 0;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind(family, 0) != 0 || line.size() <= family.size())
      continue;
    const char next = line[family.size()];
    if (next != ' ' && next != '{')
      continue;
    total += std::stod(line.substr(line.rfind(' ') + 1));
  }
  return total;
}

std::string wait_for_metric(std::uint16_t port, const std::string& family, double at_least,
                            int limit_s) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(limit_s);
  std::string text;
  for (;;) {
    text = http_get(port, "/metrics");
    if (metric_sum(text, family) >= at_least || std::chrono::steady_clock::now() >= end)
      return text;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

}  // namespace zohosync::security::test
