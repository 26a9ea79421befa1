// GCC 12 reports a false -Wmismatched-new-delete on Asio's coroutine frames
// (awaitable_frame_base has matching class-level new/delete).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

#include "connectors/inventory/inventory_request.hpp"

namespace zohosync::connectors::inventory {

InventoryRequests::InventoryRequests(ApiClient& api, std::string organization_id)
    : api_(api), organization_id_(std::move(organization_id)) {
  if (organization_id_.empty()) {
    throw ConnectorError(ErrorClass::configuration,
                         "inventory: organization_id is required (Inventory needs it on every "
                         "call)");
  }
}

boost::asio::awaitable<http::HttpResponse> InventoryRequests::send(std::string method,
                                                                   std::string path,
                                                                   http::QueryParams query,
                                                                   std::string json_body) {
  ApiRequest request;
  request.method = std::move(method);
  request.path = std::move(path);
  request.query = std::move(query);
  request.query.emplace_back("organization_id", organization_id_);
  if (!json_body.empty()) {
    request.headers.emplace_back("Content-Type", "application/json;charset=UTF-8");
    request.body = std::move(json_body);
  }
  co_return co_await api_.send(std::move(request));
}

void InventoryRequests::ensure_ok(const http::HttpResponse& response) const {
  if (response.status >= 300)
    throw api_.error_for(response);
}

bool older_id(std::string_view a, std::string_view b) {
  if (a.size() != b.size())
    return a.size() < b.size();
  return a < b;
}

}  // namespace zohosync::connectors::inventory
