#pragma once
// How a connector failure is classified: by who has to act on it. The engine
// and the transport both speak this vocabulary, so it lives below both.

#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>

namespace zohosync::connectors {

enum class ErrorClass {
  transient,      // network, timeout, 429, 5xx: retried; the cycle may try again later
  per_record,     // this one record was refused (bad data, duplicate, too long): quarantine it
  configuration,  // wrong credentials, scope, ids: the user must fix the config; stop
  fatal,          // anything we cannot classify or recover from
};

const char* to_string(ErrorClass error_class);

// Thrown by connectors (and the HTTP/OAuth layer beneath them). `message` is
// safe to log: it never contains a token or a secret.
class ConnectorError : public std::runtime_error {
 public:
  ConnectorError(ErrorClass error_class, std::string message, std::string product_code = {},
                 std::optional<std::chrono::seconds> retry_after = std::nullopt)
      : std::runtime_error(std::move(message)),
        error_class_(error_class),
        product_code_(std::move(product_code)),
        retry_after_(retry_after) {}

  ErrorClass error_class() const { return error_class_; }
  // The product (or its accounts server) could not be reached at all: no
  // name, no connection. Kept when the error is copied as a ConnectorError.
  bool unreachable() const { return unreachable_; }
  // The product's own code, e.g. "DUPLICATE_DATA", "57", "EXISTING_USER_OR_CONTACT".
  const std::string& product_code() const { return product_code_; }
  std::optional<std::chrono::seconds> retry_after() const { return retry_after_; }

 protected:
  void set_unreachable(bool unreachable) { unreachable_ = unreachable; }

 private:
  ErrorClass error_class_;
  std::string product_code_;
  std::optional<std::chrono::seconds> retry_after_;
  bool unreachable_ = false;
};

inline const char* to_string(ErrorClass error_class) {
  switch (error_class) {
    case ErrorClass::transient:
      return "transient";
    case ErrorClass::per_record:
      return "per-record";
    case ErrorClass::configuration:
      return "configuration";
    case ErrorClass::fatal:
      return "fatal";
  }
  return "fatal";
}

}  // namespace zohosync::connectors
