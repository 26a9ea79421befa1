#include "tests/sandbox/test_client.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <stdexcept>

namespace zohosync::sandbox::test {

namespace json = boost::json;

const char* outcome_name(outcome o) {
  switch (o) {
    case outcome::ok:
      return "ok";
    case outcome::reset:
      return "reset";
    case outcome::timeout:
      return "timeout";
    case outcome::truncated:
      return "truncated";
    case outcome::closed:
      return "closed";
    case outcome::connect_failed:
      return "connect_failed";
  }
  return "?";
}

json::value http_reply::json() const {
  return json::parse(body);
}

bool http_reply::parses() const {
  boost::system::error_code ec;
  json::parse(body, ec);
  return !ec;
}

http_client::http_client(std::uint16_t port, int timeout_ms)
    : port_(port), timeout_ms_(timeout_ms) {}

http_client::~http_client() {
  close();
}

void http_client::close() {
  if (fd_ >= 0)
    ::close(fd_);
  fd_ = -1;
}

bool http_client::connect_now() {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0)
    return false;
  timeval tv{timeout_ms_ / 1000, (timeout_ms_ % 1000) * 1000};
  ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port_);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close();
    return false;
  }
  ++connects_;
  return true;
}

namespace {

std::string lower(std::string s) {
  for (char& c : s)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

http_reply http_client::request(const std::string& method, const std::string& target,
                                const std::string& body, const header_list& headers) {
  http_reply rep;
  std::string req =
      method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port_) + "\r\n";
  bool has_type = false;
  for (const auto& [k, v] : headers) {
    req += k + ": " + v + "\r\n";
    has_type = has_type || lower(k) == "content-type";
  }
  if (!body.empty() && !has_type)
    req += "Content-Type: application/json\r\n";
  if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
    req += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  }
  req += "\r\n" + body;

  // A kept-alive connection the server has closed meanwhile fails on first
  // use: reconnect once in that case.
  for (int attempt = 0; attempt < 2; ++attempt) {
    bool reused = fd_ >= 0;
    if (fd_ < 0 && !connect_now()) {
      rep.result = outcome::connect_failed;
      return rep;
    }
    if (::send(fd_, req.data(), req.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(req.size())) {
      close();
      if (reused)
        continue;
      rep.result = outcome::closed;
      return rep;
    }
    std::string buf;
    char chunk[65536];
    std::size_t header_end = std::string::npos;
    auto read_more = [&]() -> int {  // >0 bytes, 0 EOF, -1 error (errno kept)
      ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
      if (n > 0)
        buf.append(chunk, static_cast<std::size_t>(n));
      return n > 0 ? 1 : static_cast<int>(n);
    };
    auto fail = [&](int r) {
      if (r == 0)
        return outcome::closed;
      if (errno == ECONNRESET)
        return outcome::reset;
      if (errno == EAGAIN || errno == EWOULDBLOCK)
        return outcome::timeout;
      return outcome::closed;
    };
    while ((header_end = buf.find("\r\n\r\n")) == std::string::npos) {
      int r = read_more();
      if (r <= 0) {
        rep.result = fail(r);
        close();
        if (reused && buf.empty() && rep.result == outcome::closed)
          break;
        return rep;
      }
    }
    if (header_end == std::string::npos)
      continue;  // retry on a fresh connection
    std::string head = buf.substr(0, header_end);
    buf.erase(0, header_end + 4);
    auto line_end = head.find("\r\n");
    std::string status_line = head.substr(0, line_end);
    rep.status = std::stoi(status_line.substr(9, 3));
    std::size_t pos = line_end;
    while (pos != std::string::npos && pos < head.size()) {
      std::size_t next = head.find("\r\n", pos + 2);
      std::string line =
          head.substr(pos + 2, next == std::string::npos ? std::string::npos : next - pos - 2);
      auto colon = line.find(':');
      if (colon != std::string::npos) {
        std::string v = line.substr(colon + 1);
        while (!v.empty() && v.front() == ' ')
          v.erase(0, 1);
        rep.headers[lower(line.substr(0, colon))] = v;
      }
      pos = next;
    }
    bool no_body = rep.status == 204 || rep.status == 304 || method == "HEAD";
    auto cl = rep.headers.find("content-length");
    if (!no_body && cl != rep.headers.end()) {
      std::size_t want = std::stoul(cl->second);
      while (buf.size() < want) {
        int r = read_more();
        if (r <= 0) {
          rep.result = r == 0 ? outcome::truncated : fail(r);
          rep.body = buf;
          close();
          return rep;
        }
      }
      rep.body = buf.substr(0, want);
    } else if (!no_body) {
      while (read_more() > 0) {
      }
      rep.body = buf;
    }
    auto conn = rep.headers.find("connection");
    if (conn != rep.headers.end() && lower(conn->second) == "close")
      close();
    return rep;
  }
  rep.result = outcome::closed;
  return rep;
}

// ---- the sandbox process ----

sandbox_process::sandbox_process(const std::vector<std::string>& args) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0)
    throw std::runtime_error("pipe failed");
  std::vector<std::string> argv_s = {ZOHO_SANDBOX_EXE, "--port", "0"};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  auto started = std::chrono::steady_clock::now();
  pid_ = ::fork();
  if (pid_ < 0)
    throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    // A test that crashes cannot run our destructor: the sandbox must not
    // outlive it (nor hold the test's output pipe open).
    const pid_t parent = ::getppid();
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != parent)
      ::_exit(127);
    ::dup2(fds[1], STDOUT_FILENO);
    std::vector<char*> argv;
    for (auto& s : argv_s)
      argv.push_back(s.data());
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(fds[1]);
  out_fd_ = fds[0];
  std::string line;
  auto deadline = started + std::chrono::seconds(10);
  while (line.find('\n') == std::string::npos) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                    deadline - std::chrono::steady_clock::now())
                    .count();
    pollfd p{out_fd_, POLLIN, 0};
    if (left <= 0 || ::poll(&p, 1, static_cast<int>(left)) <= 0)
      break;
    char c[256];
    ssize_t n = ::read(out_fd_, c, sizeof c);
    if (n <= 0)
      break;
    line.append(c, static_cast<std::size_t>(n));
  }
  startup_seconds_ =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  auto nl = line.find('\n');
  ready_line_ = line.substr(0, nl);
  const std::string prefix = "zoho-sandbox listening on http://127.0.0.1:";
  if (nl == std::string::npos || !ready_line_.starts_with(prefix)) {
    stop();
    throw std::runtime_error("zoho-sandbox did not report ready: '" + line + "'");
  }
  port_ = static_cast<std::uint16_t>(std::stoi(ready_line_.substr(prefix.size())));
}

sandbox_process::~sandbox_process() {
  // A sanitizer report or a crash shows up as an abnormal exit: say so, since
  // most tests do not look at the status themselves.
  bool running = pid_ > 0;
  int status = stop();
  if (running && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
    std::fprintf(stderr, "zoho-sandbox ended abnormally (wait status %d)\n", status);
  }
}

int sandbox_process::stop() {
  if (pid_ <= 0)
    return -1;
  ::kill(pid_, SIGTERM);
  int status = 0;
  pid_t r = 0;
  // Bounded: 5 s for a clean exit, then SIGKILL.
  for (int i = 0; i < 500 && (r = ::waitpid(pid_, &status, WNOHANG)) == 0; ++i) {
    ::usleep(10000);
  }
  if (r == 0) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, &status, 0);
  }
  pid_ = -1;
  if (out_fd_ >= 0)
    ::close(out_fd_);
  out_fd_ = -1;
  return status;
}

// ---- session ----

session::session(std::uint16_t port) : client(port) {
  auto r = client.get("/__sandbox/info");
  if (r.status != 200)
    throw std::runtime_error("no /__sandbox/info");
  info = r.obj();
}

std::string session::token() {
  if (!token_.empty())
    return token_;
  std::string form =
      "grant_type=refresh_token&client_id=" + std::string(info.at("client_id").as_string()) +
      "&client_secret=" + std::string(info.at("client_secret").as_string()) +
      "&refresh_token=" + std::string(info.at("refresh_token").as_string());
  auto r = client.request("POST", "/oauth/v2/token", form,
                          {{"Content-Type", "application/x-www-form-urlencoded"}});
  auto o = r.obj();
  if (!o.contains("access_token"))
    throw std::runtime_error("no token: " + r.body);
  token_ = std::string(o.at("access_token").as_string());
  return token_;
}

header_list session::auth() {
  return {{"Authorization", "Zoho-oauthtoken " + token()}};
}

std::string session::inv(const std::string& path_and_query) const {
  std::string org(info.at("inventory").at("organization_id").as_string());
  return "/inventory/v1" + path_and_query +
         (path_and_query.find('?') == std::string::npos ? "?" : "&") + "organization_id=" + org;
}

std::string session::portal(const std::string& rest) const {
  return "/api/v3/portal/" + std::string(info.at("projects").at("portal_id").as_string()) + rest;
}

http_reply session::admin_post(const std::string& what, const std::string& body) {
  return client.request("POST", "/__sandbox/" + what, body);
}

json::object session::dump() {
  return client.get("/__sandbox/dump").obj();
}

}  // namespace zohosync::sandbox::test
