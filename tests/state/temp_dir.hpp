// Scratch directories and file helpers for the state tests.
#pragma once

#include <sys/stat.h>

#include <fstream>
#include <iterator>
#include <string>

#include "tests/support/temp_dir.hpp"

namespace zohosync::state::testing {

// The one scratch-dir class of the tests (tests/support).
using support::TempDir;

inline std::string read_bytes(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline unsigned mode_of(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    return 0xffff;
  return st.st_mode & 07777;
}

}  // namespace zohosync::state::testing
