#pragma once
// Reading what a process under test wrote: a whole file, and a bounded wait
// for a line of a log that is still being written.

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>

namespace zohosync::support {

// The file's bytes ("" when it cannot be read).
std::string read_file(const std::filesystem::path& file);

// Waits (bounded) until `file` holds `needle` on a complete line; returns the
// text after it up to the end of that line, or nullopt.
std::optional<std::string> wait_for_line(const std::filesystem::path& file,
                                         const std::string& needle,
                                         std::chrono::milliseconds limit);

}  // namespace zohosync::support
