#include "tests/sandbox/server.hpp"

#include "tests/sandbox/router.hpp"
#include "tests/sandbox/util.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <chrono>
#include <list>

namespace zohosync::sandbox {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

std::string json_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\')
      out += '\\';
    if (static_cast<unsigned char>(c) >= 0x20)
      out += c;
  }
  return out;
}

constexpr std::size_t kMaxBody = 4 * 1024 * 1024;
constexpr auto kIdleTimeout = std::chrono::seconds(120);

request to_plain(http::request<http::string_body>& in) {
  request out;
  out.method = std::string(in.method_string());
  std::string_view target = in.target();
  auto q = target.find('?');
  out.path = url_decode(target.substr(0, q), false);
  if (q != std::string_view::npos)
    out.query = parse_query(target.substr(q + 1));
  for (const auto& f : in)
    out.headers[to_lower(f.name_string())] = std::string(f.value());
  out.body = std::move(in.body());
  return out;
}

http::response<http::string_body> to_beast(const response& r, unsigned version, bool keep_alive) {
  http::response<http::string_body> res{static_cast<http::status>(r.status), version};
  res.set(http::field::server, "zoho-sandbox");
  if (!r.content_type.empty())
    res.set(http::field::content_type, r.content_type);
  for (const auto& [k, v] : r.headers)
    res.set(k, v);
  res.keep_alive(keep_alive);
  res.body() = r.body;
  if (r.status != 204 && r.status != 304)
    res.prepare_payload();
  return res;
}

}  // namespace

struct server::impl {
  asio::io_context& ioc;
  sandbox& sb;
  tcp::acceptor acceptor;
  std::list<tcp::socket*> open;  // every live connection, closed on stop()
  bool stopping = false;

  impl(asio::io_context& c, sandbox& s, std::uint16_t port)
      : ioc(c), sb(s), acceptor(c, tcp::endpoint(asio::ip::make_address("127.0.0.1"), port)) {}

  asio::awaitable<void> accept_loop() {
    for (;;) {
      boost::system::error_code ec;
      tcp::socket sock =
          co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
      if (ec) {
        if (stopping || ec == asio::error::operation_aborted)
          co_return;
        continue;
      }
      asio::co_spawn(ioc, session(std::move(sock)), asio::detached);
    }
  }

  asio::awaitable<void> session(tcp::socket sock) {
    beast::tcp_stream stream(std::move(sock));
    auto self = open.insert(open.end(), &stream.socket());
    beast::flat_buffer buffer;
    boost::system::error_code ec;
    for (;;) {
      http::request_parser<http::string_body> parser;
      parser.body_limit(kMaxBody);
      stream.expires_after(kIdleTimeout);
      co_await http::async_read(stream, buffer, parser,
                                asio::redirect_error(asio::use_awaitable, ec));
      if (ec == http::error::body_limit) {
        // Too big to read: answer 413 (a status Zoho lists) and drop the connection.
        response too_big;
        too_big.status = 413;
        too_big.body =
            R"({"code":"REQUEST_ENTITY_TOO_LARGE","message":"request body too large","status":"error"})";
        auto res = to_beast(too_big, parser.get().version(), false);
        co_await http::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ec));
        stream.socket().shutdown(tcp::socket::shutdown_both, ec);
        break;
      }
      if (ec)
        break;
      stream.expires_never();
      auto& in = parser.get();
      unsigned version = in.version();
      bool keep_alive = in.keep_alive();
      request req = to_plain(in);
      reply rep;
      try {
        rep = route(sb, req);
      } catch (const std::exception& e) {
        // A handler bug (or a record an admin edit left odd) must not take the
        // whole sandbox down: answer 500 like a server fault.
        rep = reply{};
        rep.res.status = 500;
        rep.res.body = std::string(R"({"code":"INTERNAL_ERROR","message":")") +
                       "sandbox: " + json_escape(e.what()) + R"(","status":"error"})";
      }
      if (rep.delay_ms > 0) {
        asio::steady_timer t(ioc, std::chrono::milliseconds(rep.delay_ms));
        co_await t.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      }
      if (rep.on_done)
        rep.on_done();
      if (stopping)
        break;
      if (rep.action == transport_action::reset) {
        // SO_LINGER 0 makes close() send RST instead of FIN.
        stream.socket().set_option(asio::socket_base::linger(true, 0), ec);
        stream.socket().close(ec);
        break;
      }
      if (rep.action == transport_action::hang) {
        // Holds this connection only; the io_context keeps serving the others.
        asio::steady_timer t(ioc, std::chrono::milliseconds(rep.hang_ms));
        co_await t.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        break;
      }
      auto res = to_beast(rep.res, version, keep_alive && rep.action == transport_action::respond);
      if (rep.action == transport_action::truncate) {
        // Full headers (with the real Content-Length), half the body, then close.
        http::response_serializer<http::string_body> sr{res};
        co_await http::async_write_header(stream, sr,
                                          asio::redirect_error(asio::use_awaitable, ec));
        std::string half = rep.res.body.substr(0, rep.res.body.size() / 2);
        if (!ec)
          co_await asio::async_write(stream, asio::buffer(half),
                                     asio::redirect_error(asio::use_awaitable, ec));
        stream.socket().shutdown(tcp::socket::shutdown_both, ec);
        break;
      }
      co_await http::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ec));
      if (ec || !res.keep_alive()) {
        stream.socket().shutdown(tcp::socket::shutdown_send, ec);
        break;
      }
    }
    open.erase(self);
    stream.socket().close(ec);
  }
};

server::server(asio::io_context& ioc, sandbox& sb, std::uint16_t port)
    : impl_(std::make_unique<impl>(ioc, sb, port)) {}

server::~server() = default;

std::uint16_t server::port() const {
  return impl_->acceptor.local_endpoint().port();
}

void server::start() {
  asio::co_spawn(impl_->ioc, impl_->accept_loop(), asio::detached);
}

void server::stop() {
  impl_->stopping = true;
  boost::system::error_code ec;
  impl_->acceptor.close(ec);
  for (auto* s : impl_->open)
    s->cancel(ec);
}

}  // namespace zohosync::sandbox
