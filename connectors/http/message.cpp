#include "connectors/http/message.hpp"

#include <algorithm>
#include <cctype>

namespace zohosync::connectors::http {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

const std::string* find_header(const Headers& headers, std::string_view name) {
  for (const auto& [key, value] : headers)
    if (iequals(key, name))
      return &value;
  return nullptr;
}

void set_header(Headers& headers, std::string_view name, std::string value) {
  std::erase_if(headers, [&](const auto& header) { return iequals(header.first, name); });
  headers.emplace_back(std::string(name), std::move(value));
}

bool is_idempotent_method(std::string_view method) {
  for (const std::string_view safe : {"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
    if (iequals(method, safe))
      return true;
  return false;
}

}  // namespace zohosync::connectors::http
