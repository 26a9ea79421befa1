// The loopback HTTP/1.1 server: one acceptor on 127.0.0.1, a coroutine per
// connection with keep-alive, a bounded request body. Only this file's .cpp
// sees Beast.
#pragma once

#include "tests/sandbox/sandbox.hpp"

#include <boost/asio/io_context.hpp>

#include <cstdint>
#include <memory>

namespace zohosync::sandbox {

class server {
 public:
  // Binds 127.0.0.1:port (0 picks a free port); throws on failure.
  server(boost::asio::io_context& ioc, sandbox& sb, std::uint16_t port);
  ~server();
  server(const server&) = delete;
  server& operator=(const server&) = delete;

  std::uint16_t port() const;
  void start();
  // Stops accepting and closes every open connection (hung ones included).
  void stop();

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace zohosync::sandbox
