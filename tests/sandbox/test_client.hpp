// A small blocking HTTP/1.1 client over POSIX sockets and a launcher for the
// zoho-sandbox process: what the conformance suite uses to talk to the
// sandbox exactly as a remote client would.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <sys/types.h>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace zohosync::sandbox::test {

enum class outcome { ok, reset, timeout, truncated, closed, connect_failed };
const char* outcome_name(outcome o);

struct http_reply {
  outcome result = outcome::ok;
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;

  boost::json::value json() const;  // throws on a body that is not JSON
  boost::json::object obj() const { return json().as_object(); }
  bool parses() const;
};

using header_list = std::vector<std::pair<std::string, std::string>>;

class http_client {
 public:
  explicit http_client(std::uint16_t port, int timeout_ms = 5000);
  ~http_client();
  http_client(const http_client&) = delete;
  http_client& operator=(const http_client&) = delete;

  http_reply request(const std::string& method, const std::string& target,
                     const std::string& body = {}, const header_list& headers = {});
  http_reply get(const std::string& target, const header_list& headers = {}) {
    return request("GET", target, {}, headers);
  }
  void close();
  int connections_opened() const { return connects_; }

 private:
  bool connect_now();
  std::uint16_t port_;
  int timeout_ms_;
  int fd_ = -1;
  int connects_ = 0;
};

// Starts `zoho-sandbox --port 0 ARGS...`, waits (bounded) for the ready line.
class sandbox_process {
 public:
  explicit sandbox_process(const std::vector<std::string>& args = {});
  ~sandbox_process();
  sandbox_process(const sandbox_process&) = delete;
  sandbox_process& operator=(const sandbox_process&) = delete;

  std::uint16_t port() const { return port_; }
  const std::string& ready_line() const { return ready_line_; }
  double startup_seconds() const { return startup_seconds_; }
  // SIGTERM, then a bounded wait (SIGKILL after 5 s); returns the wait status,
  // or -1 when the process is not running.
  int stop();

 private:
  pid_t pid_ = -1;
  int out_fd_ = -1;
  std::uint16_t port_ = 0;
  std::string ready_line_;
  double startup_seconds_ = 0;
};

// Convenience on top of a running sandbox: its /__sandbox/info and a token.
struct session {
  explicit session(std::uint16_t port);
  std::string token();  // fetched once through /oauth/v2/token
  header_list auth();   // {"Authorization","Zoho-oauthtoken <token>"}
  std::string inv(const std::string& path_and_query) const;  // adds organization_id
  std::string portal(const std::string& rest) const;         // /api/v3/portal/{id}/rest
  http_reply admin_post(const std::string& what, const std::string& body);
  boost::json::object dump();

  http_client client;
  boost::json::object info;
  std::string token_;
};

}  // namespace zohosync::sandbox::test
