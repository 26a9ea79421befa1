#include "daemon/config_loading.hpp"

#include <cstdio>
#include <filesystem>
#include <system_error>

#include "daemon/exit_codes.hpp"
#include "daemon/logging.hpp"

namespace zohosync::daemon {

LoadedConfig load_config(const GlobalOptions& global, config::SecretCheck secrets,
                         bool quiet_if_missing) {
  LoadedConfig result;
  std::error_code ec;
  if (!std::filesystem::exists(global.config_path, ec)) {
    result.file_missing = true;
    result.exit_code = exit_code::kNoInput;
    if (!quiet_if_missing) {
      std::fprintf(stderr, "%s: error: configuration file does not exist (use --config PATH)\n",
                   global.config_path.c_str());
    }
    return result;
  }
  config::LoadOptions options;
  options.state_dir = global.state_dir;
  options.base_url = global.base_url;
  options.secrets = secrets;
  auto loaded = config::load_file(global.config_path, options);
  for (const auto& diagnostic : loaded.diagnostics) {
    std::fprintf(stderr, "%s\n", diagnostic.to_string().c_str());
  }
  if (!loaded.ok()) {
    result.exit_code = exit_code::kConfig;
    return result;
  }
  result.config = std::move(loaded.config);
  // The config decides the log format and level; --log-level wins over it.
  const auto& service = result.config->service;
  auto level = logging::parse_level(global.log_level.value_or(service.log_level));
  logging::init(logging::effective_format(service.log_format == "json" ? logging::Format::json
                                                                       : logging::Format::text),
                level.value_or(spdlog::level::info));
  return result;
}

}  // namespace zohosync::daemon
