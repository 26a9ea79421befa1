#pragma once

// Shared helpers for the config tests: load a TOML snippet, find diagnostics,
// and scope environment variables and temporary files.

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "config/config.hpp"

namespace zohosync::config::test {

inline constexpr const char* kFile = "test.toml";

inline LoadResult load(const std::string& text, const LoadOptions& options = {}) {
  return load_string(text, kFile, options);
}

inline std::vector<Diagnostic> errors(const LoadResult& result) {
  std::vector<Diagnostic> out;
  for (const auto& d : result.diagnostics) {
    if (d.severity == Severity::error)
      out.push_back(d);
  }
  return out;
}

inline std::vector<Diagnostic> warnings(const LoadResult& result) {
  std::vector<Diagnostic> out;
  for (const auto& d : result.diagnostics) {
    if (d.severity == Severity::warning)
      out.push_back(d);
  }
  return out;
}

inline std::string all_text(const LoadResult& result) {
  std::string out;
  for (const auto& d : result.diagnostics)
    out += d.to_string() + "\n";
  return out;
}

// Sets (or unsets, with nullopt) an environment variable for one scope.
class EnvGuard {
 public:
  EnvGuard(std::string name, const std::optional<std::string>& value) : name_(std::move(name)) {
    if (const char* old = std::getenv(name_.c_str()))
      old_ = old;
    if (value) {
      ::setenv(name_.c_str(), value->c_str(), 1);
    } else {
      ::unsetenv(name_.c_str());
    }
  }
  ~EnvGuard() {
    if (old_) {
      ::setenv(name_.c_str(), old_->c_str(), 1);
    } else {
      ::unsetenv(name_.c_str());
    }
  }
  EnvGuard(const EnvGuard&) = delete;
  EnvGuard& operator=(const EnvGuard&) = delete;

 private:
  std::string name_;
  std::optional<std::string> old_;
};

// No secret source from the machine running the tests leaks in.
struct CleanSecretEnv {
  EnvGuard credentials{"CREDENTIALS_DIRECTORY", std::nullopt};
  EnvGuard client_secret{"ZOHOSYNC_CLIENT_SECRET", std::nullopt};
  EnvGuard refresh_token{"ZOHOSYNC_REFRESH_TOKEN", std::nullopt};
};

struct TempDir {
  std::filesystem::path path;
  TempDir() {
    std::random_device random;
    path = std::filesystem::temp_directory_path() /
           ("zohosync-config-test-" + std::to_string(::getpid()) + "-" + std::to_string(random()));
    std::filesystem::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  std::string write(const std::string& name, const std::string& content,
                    std::filesystem::perms perms) const {
    auto file = path / name;
    std::ofstream(file) << content;
    std::filesystem::permissions(file, perms);
    return file.string();
  }
};

}  // namespace zohosync::config::test
