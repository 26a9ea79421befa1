#pragma once
// The seam every layer above talks to: the real client implements it, and tests
// put fault-injecting or scripted transports in its place.

#include <boost/asio/awaitable.hpp>

#include "connectors/errors.hpp"
#include "connectors/http/message.hpp"

namespace zohosync::connectors::http {

// What went wrong below HTTP. Retry decisions need more than the ErrorClass:
// whether the server can have acted on the request at all.
enum class FailureKind {
  refused_insecure,  // http:// to a non-loopback host: refused before connecting
  bad_url,           // not an absolute http(s) URL
  resolve,           // name lookup failed
  connect,           // no TCP connection (refused, unreachable, connect timeout)
  tls,               // handshake or certificate verification failed
  timeout,           // the request was sent (or partly) and no full answer came in time
  reset,             // the connection broke after the request was (partly) sent
  too_large,         // the response exceeded the configured bound
  protocol,          // malformed HTTP or a body we cannot decode
};

const char* to_string(FailureKind kind);

// True when the server cannot have processed the request: a retry of even a
// non-idempotent request is safe.
bool request_not_sent(FailureKind kind);

class HttpError : public ConnectorError {
 public:
  HttpError(FailureKind kind, ErrorClass error_class, std::string message)
      : ConnectorError(error_class, std::move(message)), kind_(kind) {
    set_unreachable(kind == FailureKind::resolve || kind == FailureKind::connect);
  }
  FailureKind kind() const { return kind_; }

 private:
  FailureKind kind_;
};

class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  // Any HTTP status is a response (no throw); transport failures throw HttpError.
  virtual boost::asio::awaitable<HttpResponse> send(HttpRequest request) = 0;
};

}  // namespace zohosync::connectors::http
