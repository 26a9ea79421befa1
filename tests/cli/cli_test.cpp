#include <doctest/doctest.h>

#include "daemon/cli.hpp"
#include "daemon/exit_codes.hpp"

TEST_CASE("an unknown option is a usage error") {
  char prog[] = "zohosync";
  char bad[] = "--no-such-option";
  char* argv[] = {prog, bad};
  CHECK(zohosync::daemon::run_cli(2, argv) == zohosync::daemon::exit_code::kUsage);
}
