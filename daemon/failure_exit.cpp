#include "daemon/failure_exit.hpp"

#include <cstdio>
#include <stdexcept>
#include <system_error>

#include "connectors/errors.hpp"
#include "daemon/exit_codes.hpp"
#include "daemon/state_errors.hpp"
#include "state/errors.hpp"

namespace zohosync::daemon {

int exit_code_for_failure(std::string_view command, const std::string& state_dir) {
  const std::string name(command);
  try {
    throw;
  } catch (const state::Error& e) {
    return report_state_error(state_dir, e);
  } catch (const connectors::ConnectorError& e) {
    std::fprintf(stderr, "zohosync %s: %s\n", name.c_str(), e.what());
    return e.error_class() == connectors::ErrorClass::configuration ? exit_code::kConfig
                                                                    : exit_code::kUnavailable;
  } catch (const std::system_error& e) {
    std::fprintf(stderr, "zohosync %s: %s\n", name.c_str(), e.what());
    return exit_code::kOsError;
  } catch (const std::runtime_error& e) {
    std::fprintf(stderr, "zohosync %s: %s\n", name.c_str(), e.what());
    return exit_code::kUnavailable;
  }
}

}  // namespace zohosync::daemon
