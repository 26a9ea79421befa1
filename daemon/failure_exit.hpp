#pragma once
// How a command that ends on an exception exits: one line on stderr naming
// the command, and the sysexits(3) code for what went wrong, the same for
// every command.

#include <string>
#include <string_view>

namespace zohosync::daemon {

// Call only while an exception is being handled (in a catch block):
//   state store error       -> report_state_error (EX_IOERR, EX_CONFIG, ...)
//   connector configuration -> EX_CONFIG; any other connector error -> EX_UNAVAILABLE
//   std::system_error       -> EX_OSERR
//   other runtime error     -> EX_UNAVAILABLE (e.g. the admin listener cannot bind)
// Anything else is rethrown (main reports it as an internal error).
int exit_code_for_failure(std::string_view command, const std::string& state_dir);

}  // namespace zohosync::daemon
