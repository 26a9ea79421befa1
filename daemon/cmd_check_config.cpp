// `zohosync check-config`: validates the configuration and reports every
// problem at once. A secret file that does not exist yet is only a warning
// here (the service may not be installed yet); daemon and reconcile refuse it.
// With --online, then asks Zoho what the file cannot say (online_check.hpp),
// for which the secrets must be there.
#include <cstdio>

#include "daemon/commands.hpp"
#include "daemon/config_loading.hpp"
#include "daemon/exit_codes.hpp"
#include "daemon/online_check.hpp"

namespace zohosync::daemon {

int run_check_config(const GlobalOptions& global, const CheckConfigOptions& options) {
  auto loaded = load_config(
      global, options.online ? config::SecretCheck::require : config::SecretCheck::warn_if_missing);
  if (!loaded.config)
    return loaded.exit_code;
  std::printf("%s: configuration OK\n", global.config_path.c_str());
  if (!options.online)
    return exit_code::kOk;
  return run_online_check(global, *loaded.config);
}

}  // namespace zohosync::daemon
