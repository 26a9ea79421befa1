#include "connectors/http/transport.hpp"

namespace zohosync::connectors::http {

const char* to_string(FailureKind kind) {
  switch (kind) {
    case FailureKind::refused_insecure:
      return "refused-insecure";
    case FailureKind::bad_url:
      return "bad-url";
    case FailureKind::resolve:
      return "resolve";
    case FailureKind::connect:
      return "connect";
    case FailureKind::tls:
      return "tls";
    case FailureKind::timeout:
      return "timeout";
    case FailureKind::reset:
      return "reset";
    case FailureKind::too_large:
      return "too-large";
    case FailureKind::protocol:
      return "protocol";
  }
  return "unknown";
}

bool request_not_sent(FailureKind kind) {
  switch (kind) {
    case FailureKind::refused_insecure:
    case FailureKind::bad_url:
    case FailureKind::resolve:
    case FailureKind::connect:
    case FailureKind::tls:
      return true;
    default:
      return false;
  }
}

}  // namespace zohosync::connectors::http
