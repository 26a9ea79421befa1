#pragma once
// A tiny HTTP/HTTPS server on 127.0.0.1 (port 0) running on its own thread, so
// the transport can be tested against real sockets without the sandbox. It
// counts connections and requests and can hang, gzip or close on demand.

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "connectors/http/message.hpp"

namespace zohosync::connectors::test {

struct TestRequest {
  std::string method;
  std::string target;
  http::Headers headers;
  std::string body;

  const std::string* header(std::string_view name) const {
    return http::find_header(headers, name);
  }
};

struct TestResponse {
  unsigned status = 200;
  http::Headers headers;
  std::string body;
  bool gzip = false;   // send the body gzip-encoded
  bool hang = false;   // never answer; the connection stays open until the server stops
  bool close = false;  // answer with Connection: close and close
  bool drop = false;   // answer as keep-alive, then close anyway (a server-side idle close)
};

using Handler = std::function<TestResponse(const TestRequest&)>;

struct TlsFiles {
  std::string certificate_chain;  // PEM
  std::string private_key;        // PEM
};

class TestServer {
 public:
  // The handler runs on the server's thread.
  explicit TestServer(Handler handler, std::optional<TlsFiles> tls = std::nullopt);
  ~TestServer();
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;

  std::uint16_t port() const { return port_; }
  // "http://127.0.0.1:PORT" (or https, or another host name for the same port).
  std::string url(const std::string& host = "127.0.0.1") const;
  std::size_t connections() const { return connections_.load(); }
  std::size_t requests() const { return requests_.load(); }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::uint16_t port_ = 0;
  bool tls_ = false;
  std::atomic<std::size_t> connections_{0};
  std::atomic<std::size_t> requests_{0};
};

}  // namespace zohosync::connectors::test
