#include "daemon/admin_listener.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <chrono>
#include <stdexcept>

namespace zohosync::daemon {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr auto kRequestDeadline = std::chrono::seconds(5);
constexpr std::size_t kMaxRequestBytes = 8 * 1024;

tcp::endpoint parse_listen(const std::string& listen) {
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos || colon + 1 == listen.size())
    throw std::runtime_error("metrics_listen \"" + listen + "\": expected HOST:PORT");
  std::string host = listen.substr(0, colon);
  const std::string port_text = listen.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  if (host == "localhost")
    host = "127.0.0.1";
  unsigned long port = 0;
  try {
    std::size_t used = 0;
    port = std::stoul(port_text, &used);
    if (used != port_text.size() || port > 65535)
      throw std::out_of_range("port");
  } catch (const std::exception&) {
    throw std::runtime_error("metrics_listen \"" + listen + "\": bad port");
  }
  boost::system::error_code ec;
  auto address = asio::ip::make_address(host, ec);
  if (ec)
    throw std::runtime_error("metrics_listen \"" + listen + "\": bad address");
  return {address, static_cast<unsigned short>(port)};
}

}  // namespace

struct AdminListener::Impl : std::enable_shared_from_this<AdminListener::Impl> {
  Impl(asio::any_io_executor ex, AdminHandler h)
      : executor(ex), acceptor(ex), handler(std::move(h)) {}

  asio::awaitable<void> accept_loop() {
    auto self = shared_from_this();
    while (acceptor.is_open()) {
      boost::system::error_code ec;
      tcp::socket socket =
          co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
      if (ec) {
        if (ec == asio::error::operation_aborted || !acceptor.is_open())
          co_return;
        continue;  // e.g. too many open files: keep serving
      }
      asio::co_spawn(executor, session(std::move(socket)), asio::detached);
    }
  }

  asio::awaitable<void> session(tcp::socket socket) {
    auto self = shared_from_this();
    beast::tcp_stream stream(std::move(socket));
    stream.expires_after(kRequestDeadline);
    beast::flat_buffer buffer(kMaxRequestBytes);
    http::request_parser<http::string_body> parser;
    parser.body_limit(kMaxRequestBytes);
    boost::system::error_code ec;
    co_await http::async_read(stream, buffer, parser,
                              asio::redirect_error(asio::use_awaitable, ec));
    if (ec)
      co_return;
    const auto& request = parser.get();
    http::response<http::string_body> response;
    response.version(request.version());
    response.keep_alive(false);
    response.set(http::field::server, "zohosync");
    if (request.method() != http::verb::get && request.method() != http::verb::head) {
      response.result(http::status::method_not_allowed);
      response.set(http::field::allow, "GET, HEAD");
      response.set(http::field::content_type, "text/plain; charset=utf-8");
      response.body() = "only GET and HEAD\n";
    } else {
      std::string_view target = request.target();
      const auto query = target.find('?');
      if (query != std::string_view::npos)
        target = target.substr(0, query);
      AdminResponse answer;
      try {
        answer = handler(target);
      } catch (const std::exception& e) {
        answer = {500, "text/plain; charset=utf-8",
                  std::string("internal error: ") + e.what() + "\n"};
      }
      response.result(answer.status);
      response.set(http::field::content_type, answer.content_type);
      response.body() = std::move(answer.body);
    }
    response.prepare_payload();
    if (request.method() == http::verb::head)
      response.body().clear();  // Content-Length stays that of the GET answer
    stream.expires_after(kRequestDeadline);
    co_await http::async_write(stream, response, asio::redirect_error(asio::use_awaitable, ec));
    stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  }

  asio::any_io_executor executor;
  tcp::acceptor acceptor;
  AdminHandler handler;
};

AdminListener::AdminListener(asio::any_io_executor executor, const std::string& listen,
                             AdminHandler handler)
    : impl_(std::make_shared<Impl>(executor, std::move(handler))) {
  const tcp::endpoint endpoint = parse_listen(listen);
  boost::system::error_code ec;
  impl_->acceptor.open(endpoint.protocol(), ec);
  if (!ec)
    impl_->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec)
    impl_->acceptor.bind(endpoint, ec);
  if (!ec)
    impl_->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec)
    throw std::runtime_error("cannot listen on " + listen + ": " + ec.message());
}

AdminListener::~AdminListener() {
  stop();
}

void AdminListener::start() {
  asio::co_spawn(impl_->executor, impl_->accept_loop(), asio::detached);
}

void AdminListener::stop() {
  boost::system::error_code ec;
  impl_->acceptor.close(ec);
}

std::string AdminListener::local_address() const {
  boost::system::error_code ec;
  auto endpoint = impl_->acceptor.local_endpoint(ec);
  if (ec)
    return {};
  if (endpoint.address().is_v6())
    return fmt::format("[{}]:{}", endpoint.address().to_string(), endpoint.port());
  return fmt::format("{}:{}", endpoint.address().to_string(), endpoint.port());
}

}  // namespace zohosync::daemon
