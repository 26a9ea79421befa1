// zohosync entry point: everything lives in the daemon library so that tests
// drive the same code the binary runs.
#include "daemon/cli.hpp"

int main(int argc, char** argv) {
  return zohosync::daemon::run_cli(argc, argv);
}
