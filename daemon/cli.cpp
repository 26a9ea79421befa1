#include "daemon/cli.hpp"

#include <CLI/CLI.hpp>

#include "daemon/exit_codes.hpp"

namespace zohosync::daemon {

int run_cli(int argc, char** argv) {
  CLI::App app{"zohosync: keeps people in step across Zoho products"};
  app.set_version_flag("--version", ZOHOSYNC_VERSION);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? exit_code::kOk : exit_code::kUsage;
  }
  return exit_code::kOk;
}

}  // namespace zohosync::daemon
