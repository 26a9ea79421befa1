#include "config/reporter.hpp"

namespace zohosync::config::detail {

Location Reporter::location(std::string_view key_path) const {
  std::string_view key = key_path;
  while (true) {
    auto it = locations_.find(key);
    if (it != locations_.end() && it->second.line > 0)
      return it->second;
    auto dot = key.rfind('.');
    if (dot == std::string_view::npos)
      return {};
    key = key.substr(0, dot);
  }
}

void Reporter::report(Severity severity, const std::string& key_path, std::string message,
                      std::string_view anchor) {
  Location where = location(anchor.empty() ? std::string_view(key_path) : anchor);
  out_.push_back(
      Diagnostic{severity, file_, where.line, where.column, key_path, std::move(message)});
}

void Reporter::external(Severity severity, std::string file, std::string key_path,
                        std::string message) {
  out_.push_back(
      Diagnostic{severity, std::move(file), 0, 0, std::move(key_path), std::move(message)});
}

}  // namespace zohosync::config::detail
