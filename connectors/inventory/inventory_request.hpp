#pragma once
// What both Inventory collections share: every call carries organization_id,
// write bodies are JSON, refused answers become classified ConnectorErrors,
// and the id order.

#include <boost/asio/awaitable.hpp>

#include <string>
#include <string_view>

#include "connectors/http/message.hpp"
#include "connectors/http/url.hpp"
#include "connectors/limits/api_client.hpp"

namespace zohosync::connectors::inventory {

class InventoryRequests {
 public:
  InventoryRequests(ApiClient& api, std::string organization_id);

  // Sends and returns every answer ApiClient returns (2xx-4xx), unread. No
  // default arguments: callers pass named values (GCC 12 mishandles braced
  // temporaries inside co_await expressions).
  boost::asio::awaitable<http::HttpResponse> send(std::string method, std::string path,
                                                  http::QueryParams query, std::string json_body);
  // Throws the classified error when the answer is a refusal (>= 300).
  void ensure_ok(const http::HttpResponse& response) const;
  // 404: the record (or its parent) does not exist.
  static bool is_missing(const http::HttpResponse& response) { return response.status == 404; }

  ApiClient& api() { return api_; }

 private:
  ApiClient& api_;
  std::string organization_id_;
};

// Inventory ids are growing numbers: the smaller is the older record.
bool older_id(std::string_view a, std::string_view b);

}  // namespace zohosync::connectors::inventory
