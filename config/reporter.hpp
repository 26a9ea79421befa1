#pragma once

// Collects diagnostics for one load and knows where in the file each key was
// written, so checks made after parsing can still point at file:line:column.

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"

namespace zohosync::config::detail {

struct Location {
  int line = 0;
  int column = 0;
};

class Reporter {
 public:
  Reporter(std::string file, std::vector<Diagnostic>& out) : file_(std::move(file)), out_(out) {}

  const std::string& file() const { return file_; }
  void remember(const std::string& key_path, Location location) {
    locations_.emplace(key_path, location);
  }
  // True when the user wrote this key (or table).
  bool written(std::string_view key_path) const {
    return locations_.find(key_path) != locations_.end();
  }
  // Where `key_path` was written; else where its nearest written parent table
  // starts; else unknown (0:0).
  Location location(std::string_view key_path) const;

  // Reports a problem with `key_path`, placed where `anchor` was written
  // (defaults to the key itself; useful for "missing X" placed at the line
  // that made X required).
  void report(Severity severity, const std::string& key_path, std::string message,
              std::string_view anchor = {});
  void error(const std::string& key_path, std::string message, std::string_view anchor = {}) {
    report(Severity::error, key_path, std::move(message), anchor);
  }
  void warning(const std::string& key_path, std::string message, std::string_view anchor = {}) {
    report(Severity::warning, key_path, std::move(message), anchor);
  }
  // A problem that is not inside the file (command-line overrides, I/O).
  void external(Severity severity, std::string file, std::string key_path, std::string message);

 private:
  std::string file_;
  std::vector<Diagnostic>& out_;
  std::map<std::string, Location, std::less<>> locations_;
};

}  // namespace zohosync::config::detail
