// Plain request/response values exchanged between the Beast server and the
// handlers, so that only server.cpp has to see Beast.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace zohosync::sandbox {

struct request {
  std::string method;                        // as sent, e.g. "GET" or the Contracts seed's "UPDATE"
  std::string path;                          // percent-decoded, without the query
  std::map<std::string, std::string> query;  // decoded; last value wins
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;

  const std::string* param(const std::string& name) const {
    auto it = query.find(name);
    return it == query.end() ? nullptr : &it->second;
  }
  std::string header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string{} : it->second;
  }
};

struct response {
  int status = 200;
  std::string body;  // empty with 204/304
  std::string content_type = "application/json;charset=UTF-8";
  std::vector<std::pair<std::string, std::string>> headers;
};

// What the transport does with a reply; the fault kinds that cannot be
// expressed as a status or a body live here.
enum class transport_action { respond, reset, hang, truncate };

struct reply {
  response res;
  transport_action action = transport_action::respond;
  int delay_ms = 0;               // latency before the answer (or before the reset/truncation)
  int hang_ms = 0;                // how long a hung request holds its connection
  std::function<void()> on_done;  // ends the request's in-flight accounting
};

}  // namespace zohosync::sandbox
