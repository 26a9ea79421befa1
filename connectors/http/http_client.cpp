// The only translation unit of the connectors that instantiates Beast and
// Asio-SSL templates (compile time on small machines): connection setup, the
// keep-alive pool, and one request/response exchange.

#include "connectors/http/http_client.hpp"

#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <deque>
#include <map>
#include <optional>

#include "connectors/http/gzip.hpp"
#include "connectors/http/url.hpp"

namespace zohosync::connectors::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;
using boost::system::error_code;
using Clock = std::chrono::steady_clock;

namespace {

// One TCP (and maybe TLS) connection to one origin.
struct Connection {
  std::optional<beast::tcp_stream> plain;
  std::optional<ssl::stream<beast::tcp_stream>> secure;
  beast::flat_buffer buffer;

  beast::tcp_stream& tcp() { return secure ? secure->next_layer() : *plain; }

  // An idle keep-alive connection is usable only if the peer has neither closed
  // it nor sent anything (a TLS close_notify, say) while we were not asking.
  bool looks_alive() {
    auto& socket = tcp().socket();
    if (!socket.is_open())
      return false;
    char byte = 0;
    const auto n = ::recv(socket.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
  }
};

struct IdleConnection {
  std::unique_ptr<Connection> connection;
  Clock::time_point since;
};

// Path without the query: queries may carry e-mail addresses or ids that have
// no business in log lines and error messages.
std::string describe(const Url& url) {
  return url.origin() + url.target.substr(0, url.target.find('?'));
}

bool is_ip_literal(const std::string& host) {
  error_code ec;
  asio::ip::make_address(host, ec);
  return !ec;
}

[[noreturn]] void fail(FailureKind kind, ErrorClass error_class, std::string message) {
  throw HttpError(kind, error_class, std::move(message));
}

}  // namespace

struct HttpClient::Impl {
  asio::any_io_executor executor;
  HttpClientOptions options;
  ssl::context tls_context{ssl::context::tls_client};
  std::map<std::string, std::deque<IdleConnection>> idle;
  HttpClientStats stats;

  spdlog::logger& log() const {
    return options.logger ? *options.logger : *spdlog::default_logger();
  }

  std::unique_ptr<Connection> take_idle(const std::string& origin) {
    auto found = idle.find(origin);
    if (found == idle.end())
      return nullptr;
    auto& queue = found->second;
    const auto now = Clock::now();
    while (!queue.empty()) {
      IdleConnection candidate = std::move(queue.back());
      queue.pop_back();
      if (now - candidate.since <= options.max_idle_time && candidate.connection->looks_alive())
        return std::move(candidate.connection);
    }
    return nullptr;
  }

  void put_idle(const std::string& origin, std::unique_ptr<Connection> connection) {
    if (options.max_idle_per_origin == 0)
      return;
    auto& queue = idle[origin];
    if (queue.size() >= options.max_idle_per_origin)
      queue.pop_front();
    queue.push_back({std::move(connection), Clock::now()});
  }

  asio::awaitable<tcp::resolver::results_type> resolve(const Url& url) {
    // The resolver has no deadline of its own; a timer cancels it.
    auto resolver = std::make_shared<tcp::resolver>(executor);
    asio::steady_timer timer(executor);
    timer.expires_after(options.connect_timeout);
    timer.async_wait([resolver](error_code ec) {
      if (!ec)
        resolver->cancel();
    });
    error_code ec;
    const std::string port = std::to_string(url.port);
    auto results = co_await resolver->async_resolve(url.host, port,
                                                    asio::redirect_error(asio::use_awaitable, ec));
    timer.cancel();
    if (ec == asio::error::operation_aborted)
      fail(FailureKind::resolve, ErrorClass::transient, "name lookup timed out for " + url.host);
    if (ec)
      fail(FailureKind::resolve, ErrorClass::transient,
           "name lookup failed for " + url.host + ": " + ec.message());
    co_return results;
  }

  asio::awaitable<std::unique_ptr<Connection>> connect(const Url& url) {
    const auto endpoints = co_await resolve(url);
    auto connection = std::make_unique<Connection>();
    if (url.is_https())
      connection->secure.emplace(beast::tcp_stream(executor), tls_context);
    else
      connection->plain.emplace(executor);
    auto& tcp_stream = connection->tcp();

    error_code ec;
    tcp_stream.expires_after(options.connect_timeout);
    co_await tcp_stream.async_connect(endpoints, asio::redirect_error(asio::use_awaitable, ec));
    if (ec == beast::error::timeout)
      fail(FailureKind::connect, ErrorClass::transient, "connect timed out to " + url.origin());
    if (ec)
      fail(FailureKind::connect, ErrorClass::transient,
           "cannot connect to " + url.origin() + ": " + ec.message());
    tcp_stream.socket().set_option(tcp::no_delay(true), ec);

    if (connection->secure)
      co_await handshake(*connection->secure, url);
    tcp_stream.expires_never();
    ++stats.connections_opened;
    co_return connection;
  }

  asio::awaitable<void> handshake(ssl::stream<beast::tcp_stream>& stream, const Url& url) {
    SSL* handle = stream.native_handle();
    // The peer's certificate must name the host we asked for: a DNS name, or an
    // IP address in the subjectAltName when the URL holds an address.
    if (is_ip_literal(url.host)) {
      if (X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(handle), url.host.c_str()) != 1)
        fail(FailureKind::tls, ErrorClass::configuration, "cannot check address " + url.host);
    } else {
      if (SSL_set_tlsext_host_name(handle, url.host.c_str()) != 1 ||
          SSL_set1_host(handle, url.host.c_str()) != 1)
        fail(FailureKind::tls, ErrorClass::configuration, "cannot check host name " + url.host);
    }
    error_code ec;
    stream.next_layer().expires_after(options.connect_timeout);
    co_await stream.async_handshake(ssl::stream_base::client,
                                    asio::redirect_error(asio::use_awaitable, ec));
    if (!ec)
      co_return;
    const long verify = SSL_get_verify_result(handle);
    if (verify != X509_V_OK)
      // Wrong CA or host: retrying cannot help, the user must fix the URL or ca_file.
      fail(FailureKind::tls, ErrorClass::configuration,
           "certificate verification failed for " + url.origin() + ": " +
               X509_verify_cert_error_string(verify));
    if (ec == beast::error::timeout)
      fail(FailureKind::tls, ErrorClass::transient, "TLS handshake timed out with " + url.origin());
    fail(FailureKind::tls, ErrorClass::transient,
         "TLS handshake failed with " + url.origin() + ": " + ec.message());
  }

  // nullopt: a reused connection that the peer had already closed; nothing of a
  // response arrived, so a fresh connection may be tried.
  template <class Stream>
  asio::awaitable<std::optional<HttpResponse>> exchange(Stream& stream, Connection& connection,
                                                        bhttp::request<bhttp::string_body>& request,
                                                        const Url& url, bool reused,
                                                        bool& keep_alive) {
    auto& tcp_stream = connection.tcp();
    tcp_stream.expires_after(options.request_timeout);
    error_code ec;
    co_await bhttp::async_write(stream, request, asio::redirect_error(asio::use_awaitable, ec));
    if (ec == beast::error::timeout)
      fail(FailureKind::timeout, ErrorClass::transient,
           "timed out sending the request to " + describe(url));
    if (ec) {
      if (reused)
        co_return std::nullopt;
      fail(FailureKind::reset, ErrorClass::transient,
           "connection lost sending to " + describe(url) + ": " + ec.message());
    }

    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(options.max_response_bytes);
    parser.header_limit(64 * 1024);
    if (request.method() == bhttp::verb::head)
      parser.skip(true);
    co_await bhttp::async_read(stream, connection.buffer, parser,
                               asio::redirect_error(asio::use_awaitable, ec));
    if (ec == bhttp::error::body_limit)
      fail(FailureKind::too_large, ErrorClass::fatal,
           "response from " + describe(url) + " exceeds " +
               std::to_string(options.max_response_bytes) + " bytes");
    if (ec == beast::error::timeout)
      fail(FailureKind::timeout, ErrorClass::transient,
           "timed out waiting for the response from " + describe(url));
    if (ec) {
      if (reused && !parser.got_some())
        co_return std::nullopt;
      if (ec.category() == error_code(bhttp::error::bad_version).category() &&
          ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message)
        fail(FailureKind::protocol, ErrorClass::transient,
             "malformed response from " + describe(url) + ": " + ec.message());
      fail(FailureKind::reset, ErrorClass::transient,
           "connection lost reading from " + describe(url) + ": " + ec.message());
    }
    tcp_stream.expires_never();

    auto message = parser.release();
    keep_alive = message.keep_alive() && request.keep_alive();
    HttpResponse response;
    response.status = message.result_int();
    std::optional<std::string> encoding;
    for (const auto& field : message) {
      const std::string name(field.name_string());
      if (beast::iequals(name, "content-encoding")) {
        encoding = std::string(field.value());
        continue;
      }
      if (beast::iequals(name, "content-length") && encoding)
        continue;
      response.headers.emplace_back(name, std::string(field.value()));
    }
    response.body = std::move(message.body());
    if (encoding && !beast::iequals(*encoding, "identity")) {
      if (!beast::iequals(*encoding, "gzip") && !beast::iequals(*encoding, "x-gzip"))
        fail(FailureKind::protocol, ErrorClass::fatal,
             "unsupported Content-Encoding '" + *encoding + "' from " + describe(url));
      response.body = gunzip(response.body, options.max_response_bytes);
      std::erase_if(response.headers, [](const auto& header) {
        return beast::iequals(header.first, "content-length");
      });
    }
    co_return response;
  }

  asio::awaitable<HttpResponse> send(HttpRequest request) {
    const auto url = parse_url(request.url);
    if (!url)
      fail(FailureKind::bad_url, ErrorClass::configuration,
           "not an absolute http(s) URL: '" + request.url.substr(0, request.url.find('?')) + "'");
    // Refused before any connection: credentials must never travel in clear
    // text; only tests and the local sandbox speak plain http.
    if (!url->is_https() && !is_loopback_host(url->host))
      fail(FailureKind::refused_insecure, ErrorClass::configuration,
           "plain http is only allowed to loopback hosts; refusing " + url->origin());

    auto beast_request = std::make_unique<bhttp::request<bhttp::string_body>>();
    const auto verb = bhttp::string_to_verb(request.method);
    if (verb == bhttp::verb::unknown)
      beast_request->method_string(request.method);
    else
      beast_request->method(verb);
    beast_request->target(url->target);
    beast_request->version(11);
    beast_request->set(bhttp::field::host, url->host_header());
    beast_request->set(bhttp::field::user_agent, options.user_agent);
    beast_request->set(bhttp::field::accept_encoding, "gzip");
    for (const auto& [name, value] : request.headers)
      beast_request->set(name, value);
    beast_request->body() = std::move(request.body);
    beast_request->keep_alive(true);
    beast_request->prepare_payload();

    const auto origin = url->origin();
    const bool idempotent = is_idempotent_method(request.method);
    const auto started = Clock::now();
    ++stats.requests;
    for (int attempt = 0;; ++attempt) {
      auto connection = take_idle(origin);
      const bool reused = connection != nullptr;
      if (reused)
        ++stats.connections_reused;
      else
        connection = co_await connect(*url);
      bool keep_alive = false;
      // Two statements rather than ?: around co_await: GCC 12 has coroutine bugs
      // with temporaries in such expressions.
      std::optional<HttpResponse> response;
      if (connection->secure)
        response = co_await exchange(*connection->secure, *connection, *beast_request, *url, reused,
                                     keep_alive);
      else
        response = co_await exchange(*connection->plain, *connection, *beast_request, *url, reused,
                                     keep_alive);
      if (!response) {
        // The server closed the kept-alive connection before answering. An
        // idempotent request goes again once on a fresh connection; anything
        // else may have been acted on, so the caller decides.
        if (attempt == 0 && idempotent)
          continue;
        fail(FailureKind::reset, ErrorClass::transient,
             "connection closed by the server before answering " + describe(*url));
      }
      if (keep_alive)
        put_idle(origin, std::move(connection));
      log().debug(
          "[http] {} {} -> {} ({} ms{})", request.method, describe(*url), response->status,
          std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started).count(),
          reused ? ", reused connection" : "");
      co_return std::move(*response);
    }
  }
};

HttpClient::HttpClient(asio::any_io_executor executor, HttpClientOptions options)
    : impl_(std::make_unique<Impl>()) {
  impl_->executor = std::move(executor);
  impl_->options = std::move(options);
  auto& context = impl_->tls_context;
  SSL_CTX_set_min_proto_version(context.native_handle(), TLS1_2_VERSION);
  error_code ec;
  context.set_default_verify_paths(ec);
  if (ec)
    throw ConnectorError(ErrorClass::configuration,
                         "cannot load the system CA store: " + ec.message());
  if (!impl_->options.ca_file.empty()) {
    context.load_verify_file(impl_->options.ca_file, ec);
    if (ec)
      throw ConnectorError(ErrorClass::configuration,
                           "cannot load CA file " + impl_->options.ca_file + ": " + ec.message());
  }
  context.set_verify_mode(ssl::verify_peer);
}

HttpClient::~HttpClient() = default;

asio::awaitable<HttpResponse> HttpClient::send(HttpRequest request) {
  return impl_->send(std::move(request));
}

HttpClientStats HttpClient::stats() const {
  return impl_->stats;
}

void HttpClient::close_idle() {
  impl_->idle.clear();
}

}  // namespace zohosync::connectors::http
