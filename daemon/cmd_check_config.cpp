// `zohosync check-config`: validates the configuration and reports every
// problem at once. A secret file that does not exist yet is only a warning
// here (the service may not be installed yet); daemon and reconcile refuse it.
#include <cstdio>

#include "daemon/commands.hpp"
#include "daemon/config_loading.hpp"
#include "daemon/exit_codes.hpp"

namespace zohosync::daemon {

int run_check_config(const GlobalOptions& global) {
  auto loaded = load_config(global, config::SecretCheck::warn_if_missing);
  if (!loaded.config)
    return loaded.exit_code;
  std::printf("%s: configuration OK\n", global.config_path.c_str());
  return exit_code::kOk;
}

}  // namespace zohosync::daemon
