#pragma once

namespace zohosync::daemon {

// Parses the command line, runs the chosen subcommand and returns the process
// exit code (sysexits.h conventions, see exit_codes.hpp). Never throws.
int run_cli(int argc, char** argv);

}  // namespace zohosync::daemon
