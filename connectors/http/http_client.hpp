#pragma once
// The HTTPS/HTTP client every connector sends through: Beast + OpenSSL on C++20
// coroutines, a small keep-alive pool per origin, a deadline per operation,
// certificate and host name verification that cannot be switched off, plain
// http only to loopback, bounded and gzip-decoded response bodies.
//
// Not thread-safe: one client per io_context, used from that context's thread
// (the daemon runs one). Destroy it only after its requests have finished.

#include <boost/asio/any_io_executor.hpp>

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "connectors/http/transport.hpp"

namespace spdlog {
class logger;
}

namespace zohosync::connectors::http {

struct HttpClientOptions {
  // Name lookup + TCP connect + TLS handshake of one new connection.
  std::chrono::milliseconds connect_timeout{std::chrono::seconds(15)};
  // Writing one request and reading its whole response.
  std::chrono::milliseconds request_timeout{std::chrono::seconds(60)};
  // Bound on the body as received and again after gzip decoding.
  std::size_t max_response_bytes = 32 * 1024 * 1024;
  // Extra trusted CA certificates (PEM), in addition to the system store.
  std::string ca_file;
  // Idle keep-alive connections kept per origin, and how long one may idle:
  // servers close idle connections on their side after a while.
  std::size_t max_idle_per_origin = 4;
  std::chrono::seconds max_idle_time{30};
  std::string user_agent = "zohosync/0.1";
  // Where request lines go (debug level); the default logger when null.
  std::shared_ptr<spdlog::logger> logger;
};

struct HttpClientStats {
  std::size_t connections_opened = 0;
  std::size_t connections_reused = 0;
  std::size_t requests = 0;
};

class HttpClient final : public HttpTransport {
 public:
  // Throws ConnectorError (configuration) when `ca_file` cannot be loaded.
  HttpClient(boost::asio::any_io_executor executor, HttpClientOptions options);
  ~HttpClient() override;
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  boost::asio::awaitable<HttpResponse> send(HttpRequest request) override;

  HttpClientStats stats() const;
  // Drops every idle connection (e.g. after a config reload changed hosts).
  void close_idle();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace zohosync::connectors::http
