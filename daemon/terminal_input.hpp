#pragma once
// Reading a secret the operator types or pipes in: never echoed, never on the
// command line (where ps and the shell history would keep it).

#include <optional>
#include <string>

namespace zohosync::daemon {

// On a terminal: prints `prompt` to stderr and reads one line with echo off.
// Otherwise: reads the next line of stdin (no prompt), so that
// `printf '%s\n' "$CODE" | zohosync auth` works. Surrounding blanks are
// dropped. nullopt at end of input.
std::optional<std::string> read_secret_line(const char* prompt);

}  // namespace zohosync::daemon
