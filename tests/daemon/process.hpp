#pragma once
// The names bench/ uses for the process helpers, which live in tests/support
// (child_process.hpp, notify_socket.hpp, files.hpp).

#include "tests/support/child_process.hpp"
#include "tests/support/files.hpp"
#include "tests/support/notify_socket.hpp"

namespace zohosync::daemon::test {

using Millis = std::chrono::milliseconds;
using support::ChildProcess;
using support::NotifySocket;
using support::read_file;
using support::wait_for_line;

}  // namespace zohosync::daemon::test
