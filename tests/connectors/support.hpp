#pragma once
// Small helpers shared by the transport tests: run a coroutine to completion,
// a temporary directory, and a throwaway CA + server certificate.

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <cstdlib>
#include <exception>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>

namespace zohosync::connectors::test {

// Runs `task` on `context` until it and everything it started are done.
template <class T>
T run(boost::asio::io_context& context, boost::asio::awaitable<T> task) {
  std::optional<T> result;
  std::exception_ptr error;
  boost::asio::co_spawn(context, std::move(task), [&](std::exception_ptr e, T value) {
    error = e;
    if (!e)
      result.emplace(std::move(value));
  });
  context.restart();
  context.run();
  if (error)
    std::rethrow_exception(error);
  return std::move(*result);
}

inline void run(boost::asio::io_context& context, boost::asio::awaitable<void> task) {
  std::exception_ptr error;
  boost::asio::co_spawn(context, std::move(task), [&](std::exception_ptr e) { error = e; });
  context.restart();
  context.run();
  if (error)
    std::rethrow_exception(error);
}

class TempDir {
 public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "zohosync-test-XXXXXX").string();
    if (!mkdtemp(pattern.data()))
      throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

struct TestCertificates {
  std::string ca_file;      // the throwaway CA (PEM)
  std::string server_cert;  // "localhost" only (no IP in subjectAltName), signed by the CA
  std::string server_key;
};

// Generates with the openssl command line into `dir`; throws when it fails.
inline TestCertificates make_test_certificates(const std::filesystem::path& dir) {
  const std::string d = dir.string();
  const std::string script =
      "set -e; cd '" + d +
      "'; "
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "
      "-keyout ca.key -out ca.pem -days 2 -subj /CN=zohosync-test-ca "
      "-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign; "
      "openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "
      "-keyout server.key -out server.csr -subj /CN=localhost; "
      "printf 'subjectAltName=DNS:localhost\\nbasicConstraints=CA:FALSE\\n' > ext.cnf; "
      "openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial "
      "-out server.pem -days 2 -extfile ext.cnf";
  const std::string command = "(" + script + ") >'" + d + "/openssl.log' 2>&1";
  if (std::system(command.c_str()) != 0)
    throw std::runtime_error("openssl failed; see " + d + "/openssl.log");
  return {d + "/ca.pem", d + "/server.pem", d + "/server.key"};
}

}  // namespace zohosync::connectors::test
