// The test folder's only Beast server translation unit.
#include "test_server.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <thread>

#include "connectors/http/gzip.hpp"

namespace zohosync::connectors::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;
using boost::system::error_code;

struct TestServer::Impl {
  asio::io_context context;
  tcp::acceptor acceptor{context};
  std::optional<ssl::context> tls_context;
  Handler handler;
  TestServer* owner = nullptr;
  std::thread thread;

  template <class Stream>
  asio::awaitable<void> serve(Stream& stream) {
    beast::flat_buffer buffer;
    while (true) {
      bhttp::request<bhttp::string_body> request;
      error_code ec;
      co_await bhttp::async_read(stream, buffer, request,
                                 asio::redirect_error(asio::use_awaitable, ec));
      if (ec)
        co_return;
      ++owner->requests_;
      TestRequest seen{
          std::string(request.method_string()), std::string(request.target()), {}, request.body()};
      for (const auto& field : request)
        seen.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
      TestResponse answer = handler(seen);
      if (answer.hang) {
        asio::steady_timer forever(context, asio::steady_timer::time_point::max());
        co_await forever.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        co_return;
      }
      bhttp::response<bhttp::string_body> response{static_cast<bhttp::status>(answer.status), 11};
      for (const auto& [name, value] : answer.headers)
        response.set(name, value);
      if (answer.gzip) {
        response.set(bhttp::field::content_encoding, "gzip");
        response.body() = http::gzip(answer.body);
      } else {
        response.body() = std::move(answer.body);
      }
      response.keep_alive(request.keep_alive() && !answer.close);
      response.prepare_payload();
      co_await bhttp::async_write(stream, response, asio::redirect_error(asio::use_awaitable, ec));
      if (ec || !response.keep_alive() || answer.drop)
        co_return;
    }
  }

  asio::awaitable<void> session(tcp::socket socket) {
    ++owner->connections_;
    if (!tls_context) {
      beast::tcp_stream stream(std::move(socket));
      co_await serve(stream);
      error_code ec;
      stream.socket().shutdown(tcp::socket::shutdown_both, ec);
      co_return;
    }
    ssl::stream<beast::tcp_stream> stream(beast::tcp_stream(std::move(socket)), *tls_context);
    error_code ec;
    co_await stream.async_handshake(ssl::stream_base::server,
                                    asio::redirect_error(asio::use_awaitable, ec));
    if (ec)
      co_return;  // e.g. the client rejected our certificate
    co_await serve(stream);
    stream.next_layer().socket().shutdown(tcp::socket::shutdown_both, ec);
  }

  asio::awaitable<void> accept_loop() {
    while (true) {
      error_code ec;
      tcp::socket socket =
          co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
      if (ec)
        co_return;
      asio::co_spawn(context, session(std::move(socket)), asio::detached);
    }
  }
};

TestServer::TestServer(Handler handler, std::optional<TlsFiles> tls)
    : impl_(std::make_unique<Impl>()), tls_(tls.has_value()) {
  impl_->handler = std::move(handler);
  impl_->owner = this;
  if (tls) {
    impl_->tls_context.emplace(ssl::context::tls_server);
    impl_->tls_context->use_certificate_chain_file(tls->certificate_chain);
    impl_->tls_context->use_private_key_file(tls->private_key, ssl::context::pem);
  }
  const tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), 0);
  impl_->acceptor.open(endpoint.protocol());
  impl_->acceptor.set_option(tcp::acceptor::reuse_address(true));
  impl_->acceptor.bind(endpoint);
  impl_->acceptor.listen();
  port_ = impl_->acceptor.local_endpoint().port();
  asio::co_spawn(impl_->context, impl_->accept_loop(), asio::detached);
  impl_->thread = std::thread([this] { impl_->context.run(); });
}

TestServer::~TestServer() {
  impl_->context.stop();
  impl_->thread.join();
}

std::string TestServer::url(const std::string& host) const {
  return std::string(tls_ ? "https" : "http") + "://" + host + ":" + std::to_string(port_);
}

}  // namespace zohosync::connectors::test
