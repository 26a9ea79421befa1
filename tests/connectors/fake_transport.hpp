#pragma once
// A scripted HttpTransport: the seam where tests inject answers and faults.
// It can yield to the event loop before answering so that concurrent callers
// really overlap.

#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <functional>
#include <string>
#include <vector>

#include "connectors/http/transport.hpp"

namespace zohosync::connectors::test {

class FakeTransport final : public http::HttpTransport {
 public:
  using Handler = std::function<http::HttpResponse(const http::HttpRequest&)>;
  explicit FakeTransport(Handler handler) : handler_(std::move(handler)) {}

  boost::asio::awaitable<http::HttpResponse> send(http::HttpRequest request) override {
    requests.push_back(request);
    ++in_flight_;
    peak_in_flight = std::max(peak_in_flight, in_flight_);
    const auto executor = co_await boost::asio::this_coro::executor;
    for (int i = 0; i < yields; ++i)
      co_await boost::asio::post(executor, boost::asio::use_awaitable);
    --in_flight_;
    co_return handler_(request);  // may throw HttpError
  }

  std::size_t count(const std::string& url_part) const {
    std::size_t n = 0;
    for (const auto& request : requests)
      if (request.url.find(url_part) != std::string::npos)
        ++n;
    return n;
  }

  std::vector<http::HttpRequest> requests;
  int yields = 0;
  int peak_in_flight = 0;

 private:
  Handler handler_;
  int in_flight_ = 0;
};

inline http::HttpResponse respond(unsigned status, std::string body, http::Headers headers = {}) {
  http::HttpResponse response;
  response.status = status;
  response.body = std::move(body);
  response.headers = std::move(headers);
  return response;
}

}  // namespace zohosync::connectors::test
