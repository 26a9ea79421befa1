#include "connectors/http/http_client.hpp"

#include <doctest/doctest.h>

#include <boost/asio/io_context.hpp>

#include <chrono>

#include "connectors/http/gzip.hpp"
#include "connectors/http/url.hpp"
#include "support.hpp"
#include "test_server.hpp"

namespace asio = boost::asio;
using namespace zohosync::connectors;
using namespace zohosync::connectors::test;
using namespace std::chrono_literals;

namespace {

asio::awaitable<http::HttpResponse> get(http::HttpClient& client, std::string url) {
  // A named request: GCC 12 mishandles braced temporaries inside co_await.
  http::HttpRequest request;
  request.url = std::move(url);
  co_return co_await client.send(std::move(request));
}

// Runs a request that must fail and returns its HttpError.
http::HttpError expect_failure(asio::io_context& context, http::HttpClient& client,
                               std::string url) {
  try {
    run(context, get(client, std::move(url)));
  } catch (const http::HttpError& error) {
    return error;
  }
  FAIL("request succeeded but should have failed");
  throw std::logic_error("unreachable");
}

TestResponse ok(std::string body) {
  TestResponse response;
  response.body = std::move(body);
  return response;
}

}  // namespace

TEST_CASE("url: parsing, loopback and query encoding") {
  const auto url = http::parse_url("https://WWW.Zohoapis.com/crm/v8/Contacts?page=2#x");
  REQUIRE(url);
  CHECK(url->scheme == "https");
  CHECK(url->host == "www.zohoapis.com");
  CHECK(url->port == 443);
  CHECK(url->target == "/crm/v8/Contacts?page=2");
  CHECK(url->host_header() == "www.zohoapis.com");

  const auto local = http::parse_url("http://127.0.0.1:8080");
  REQUIRE(local);
  CHECK(local->target == "/");
  CHECK(local->host_header() == "127.0.0.1:8080");
  CHECK(http::parse_url("http://[::1]:9/x")->host == "::1");

  CHECK_FALSE(http::parse_url("ftp://example.com/"));
  CHECK_FALSE(http::parse_url("https://user:pw@example.com/"));
  CHECK_FALSE(http::parse_url("https://example.com:99999/"));
  CHECK_FALSE(http::parse_url("/relative/path"));

  CHECK(http::is_loopback_host("localhost"));
  CHECK(http::is_loopback_host("127.0.0.1"));
  CHECK(http::is_loopback_host("127.1.2.3"));
  CHECK(http::is_loopback_host("::1"));
  CHECK_FALSE(http::is_loopback_host("10.0.0.1"));
  CHECK_FALSE(http::is_loopback_host("localhost.example.com"));
  CHECK_FALSE(http::is_loopback_host("www.zohoapis.com"));

  CHECK(http::encode_query({{"email", "a+b@x.com"}, {"q", "x y/z"}}) ==
        "email=a%2Bb%40x.com&q=x%20y%2Fz");
  CHECK(http::append_query("/x?a=1", {{"b", "2"}}) == "/x?a=1&b=2");
}

TEST_CASE("url: the authority must be well formed, the target passes as written") {
  struct Case {
    const char* text;
    const char* host;  // nullptr: refused
    unsigned port;
    const char* target;
  };
  const Case cases[] = {
      // An empty port is the default one; a query alone gets its "/".
      {"http://h:/x", "h", 80, "/x"},
      {"HTTPS://H.example?a=1", "h.example", 443, "/?a=1"},
      {"http://[::FFFF:7f00:1]:8080", "::ffff:7f00:1", 8080, "/"},
      // An id from a product's answer may put bytes RFC 3986 refuses into
      // the path: the server, not this parser, refuses that one request.
      {"https://x.example/contacts/1 2/a%zz|b?q=<>", "x.example", 443, "/contacts/1 2/a%zz|b?q=<>"},
      {"https://x.example/a#b?c", "x.example", 443, "/a"},
      // A port that is not all digits (Boost.URL 1.81 alone would read "7x"
      // as port 7 and path "x"), port 0, user-info, a broken IPv6 literal.
      {"http://h:7x", nullptr, 0, nullptr},
      {"http://h:+80/", nullptr, 0, nullptr},
      {"http://h:0/", nullptr, 0, nullptr},
      {"https://@example.com/", nullptr, 0, nullptr},
      {"http://[::1/", nullptr, 0, nullptr},
      {"http:///x", nullptr, 0, nullptr},
  };
  for (const auto& c : cases) {
    CAPTURE(c.text);
    const auto url = http::parse_url(c.text);
    REQUIRE(url.has_value() == (c.host != nullptr));
    if (!url)
      continue;
    CHECK(url->host == c.host);
    CHECK(url->port == c.port);
    CHECK(url->target == c.target);
  }
  // Everything but RFC 3986's unreserved characters, byte by byte.
  CHECK(http::percent_encode("aZ09-._~ !*'();:@&=+$,/?#[]%\xc3\xa9") ==
        "aZ09-._~%20%21%2A%27%28%29%3B%3A%40%26%3D%2B%24%2C%2F%3F%23%5B%5D%25%C3%A9");
}

TEST_CASE("http: keep-alive connections are reused per origin") {
  TestServer server([](const TestRequest& request) { return ok("hello " + request.target); });
  asio::io_context context;
  http::HttpClient client(context.get_executor(), {});
  for (int i = 0; i < 3; ++i) {
    const auto response = run(context, get(client, server.url() + "/n" + std::to_string(i)));
    CHECK(response.status == 200);
    CHECK(response.body == "hello /n" + std::to_string(i));
  }
  CHECK(server.requests() == 3);
  CHECK(server.connections() == 1);
  CHECK(client.stats().connections_reused == 2);
}

TEST_CASE("http: a connection the server closed is not reused") {
  int calls = 0;
  TestServer server([&](const TestRequest&) {
    TestResponse response = ok("x");
    // First answer says Connection: close, second closes silently after a keep-alive answer.
    response.close = ++calls == 1;
    response.drop = calls == 2;
    return response;
  });
  asio::io_context context;
  http::HttpClient client(context.get_executor(), {});
  for (int i = 0; i < 3; ++i)
    CHECK(run(context, get(client, server.url() + "/")).status == 200);
  CHECK(server.requests() == 3);
  CHECK(server.connections() == 3);
}

TEST_CASE("http: a hanging server times out within the request timeout") {
  TestServer server([](const TestRequest&) {
    TestResponse response;
    response.hang = true;
    return response;
  });
  asio::io_context context;
  http::HttpClientOptions options;
  options.request_timeout = 300ms;
  http::HttpClient client(context.get_executor(), options);
  const auto started = std::chrono::steady_clock::now();
  const auto error = expect_failure(context, client, server.url() + "/slow");
  const auto elapsed = std::chrono::steady_clock::now() - started;
  CHECK(error.kind() == http::FailureKind::timeout);
  CHECK(error.error_class() == ErrorClass::transient);
  CHECK(elapsed >= 300ms);
  CHECK(elapsed < 5s);
}

TEST_CASE("http: response bodies are bounded, also after gzip decoding") {
  TestServer server([](const TestRequest& request) {
    TestResponse response = ok(std::string(request.target == "/big" ? 5000 : 100000, 'a'));
    response.gzip = request.target == "/bomb";
    return response;
  });
  asio::io_context context;
  http::HttpClientOptions options;
  options.max_response_bytes = 4096;
  http::HttpClient client(context.get_executor(), options);

  auto error = expect_failure(context, client, server.url() + "/big");
  CHECK(error.kind() == http::FailureKind::too_large);
  // 100 kB of 'a' compresses to a few hundred bytes: the decoded size is what counts.
  error = expect_failure(context, client, server.url() + "/bomb");
  CHECK(error.kind() == http::FailureKind::too_large);
}

TEST_CASE("http: gzip responses are decoded") {
  std::string accept_encoding;
  const std::string body(20000, 'z');
  TestServer server([&](const TestRequest& request) {
    if (const auto* value = request.header("Accept-Encoding"))
      accept_encoding = *value;
    TestResponse response = ok(body);
    response.gzip = true;
    response.headers.emplace_back("Content-Type", "application/json");
    return response;
  });
  asio::io_context context;
  http::HttpClient client(context.get_executor(), {});
  const auto response = run(context, get(client, server.url() + "/"));
  CHECK(accept_encoding == "gzip");
  CHECK(response.body == body);
  CHECK(response.header("Content-Encoding") == nullptr);
  REQUIRE(response.header("content-type"));
  CHECK(*response.header("content-type") == "application/json");
  CHECK(http::gunzip(http::gzip("round trip"), 100) == "round trip");
}

TEST_CASE("http: plain http to a non-loopback host is refused before connecting") {
  asio::io_context context;
  http::HttpClient client(context.get_executor(), {});
  for (const char* url : {"http://www.zohoapis.com/crm/v8/Contacts", "http://10.1.2.3:8080/",
                          "http://localhost.example.com/"}) {
    CAPTURE(url);
    const auto error = expect_failure(context, client, url);
    CHECK(error.kind() == http::FailureKind::refused_insecure);
    CHECK(error.error_class() == ErrorClass::configuration);
  }
  CHECK(client.stats().connections_opened == 0);
  CHECK(expect_failure(context, client, "not a url").kind() == http::FailureKind::bad_url);
}

TEST_CASE("http: connection refused is a transient connect failure") {
  std::uint16_t closed_port = 0;
  {
    TestServer server([](const TestRequest&) { return ok(""); });
    closed_port = server.port();
  }
  asio::io_context context;
  http::HttpClient client(context.get_executor(), {});
  const auto error =
      expect_failure(context, client, "http://127.0.0.1:" + std::to_string(closed_port) + "/");
  CHECK(error.kind() == http::FailureKind::connect);
  CHECK(error.error_class() == ErrorClass::transient);
  CHECK(http::request_not_sent(error.kind()));
}

TEST_CASE("https: certificates and host names are verified") {
  TempDir dir;
  const auto certificates = make_test_certificates(dir.path());
  TestServer server([](const TestRequest&) { return ok("secret-free"); },
                    TlsFiles{certificates.server_cert, certificates.server_key});
  asio::io_context context;

  SUBCASE("trusted through the extra CA file") {
    http::HttpClientOptions options;
    options.ca_file = certificates.ca_file;
    http::HttpClient client(context.get_executor(), options);
    for (int i = 0; i < 2; ++i) {
      const auto response = run(context, get(client, server.url("localhost") + "/"));
      CHECK(response.status == 200);
      CHECK(response.body == "secret-free");
    }
    CHECK(server.connections() == 1);
  }
  SUBCASE("unknown CA: verification fails") {
    http::HttpClient client(context.get_executor(), {});
    const auto error = expect_failure(context, client, server.url("localhost") + "/");
    CHECK(error.kind() == http::FailureKind::tls);
    CHECK(error.error_class() == ErrorClass::configuration);
    CHECK(std::string(error.what()).find("certificate verification failed") != std::string::npos);
  }
  SUBCASE("trusted CA but the wrong host name") {
    http::HttpClientOptions options;
    options.ca_file = certificates.ca_file;
    http::HttpClient client(context.get_executor(), options);
    // The certificate names only "localhost"; the same server by address must fail.
    const auto error = expect_failure(context, client, server.url("127.0.0.1") + "/");
    CHECK(error.kind() == http::FailureKind::tls);
    CHECK(error.error_class() == ErrorClass::configuration);
  }
  SUBCASE("a missing CA file is a configuration error") {
    http::HttpClientOptions options;
    options.ca_file = (dir.path() / "missing.pem").string();
    CHECK_THROWS_AS(http::HttpClient(context.get_executor(), options), ConnectorError);
  }
}
