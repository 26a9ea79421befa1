#pragma once

#include <optional>

#include "config/config.hpp"
#include "daemon/commands.hpp"

namespace zohosync::daemon {

struct LoadedConfig {
  std::optional<config::Config> config;  // set when the file loaded without errors
  int exit_code = 0;                     // non-zero when it did not
  bool file_missing = false;
};

// Loads the config named by the global options with their overrides applied,
// prints every diagnostic to stderr (file:line:column: severity: key: message)
// and maps failures to exit codes: a missing file is EX_NOINPUT, anything
// wrong inside it EX_CONFIG.
LoadedConfig load_config(const GlobalOptions& global, config::SecretCheck secrets,
                         bool quiet_if_missing = false);

}  // namespace zohosync::daemon
