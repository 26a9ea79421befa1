#pragma once

#include <string>

#include "state/store.hpp"

namespace zohosync::daemon {

// Prints a state error as one line naming the state dir and returns the
// matching exit code (disk full / read-only → EX_IOERR, newer schema →
// EX_CONFIG, permission → EX_NOPERM, busy → EX_TEMPFAIL, ...).
int report_state_error(const std::string& state_dir, const state::Error& error);

}  // namespace zohosync::daemon
