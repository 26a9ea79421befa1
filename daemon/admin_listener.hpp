#pragma once
// The daemon's loopback HTTP listener for /metrics and /healthz (Beast,
// compiled in this one translation unit). It answers GET and HEAD, one
// request per connection, with a short read deadline so a stuck client
// cannot hold a socket; what each path returns is the handler's business.

#include <boost/asio/any_io_executor.hpp>

#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace zohosync::daemon {

struct AdminResponse {
  unsigned status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
};

// Gets the request path without its query string ("/metrics").
using AdminHandler = std::function<AdminResponse(std::string_view path)>;

class AdminListener {
 public:
  // Binds `listen` ("127.0.0.1:9464", "[::1]:9464", "localhost:9464"; port 0
  // picks a free one). Throws std::runtime_error when it cannot.
  AdminListener(boost::asio::any_io_executor executor, const std::string& listen,
                AdminHandler handler);
  ~AdminListener();
  AdminListener(const AdminListener&) = delete;
  AdminListener& operator=(const AdminListener&) = delete;

  void start();
  // Closes the acceptor; connections in progress end at their deadline.
  void stop();
  // The address actually bound, e.g. "127.0.0.1:40213".
  std::string local_address() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace zohosync::daemon
