#include "tests/support/files.hpp"

#include <fstream>
#include <sstream>
#include <thread>

namespace zohosync::support {

std::string read_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::optional<std::string> wait_for_line(const std::filesystem::path& file,
                                         const std::string& needle,
                                         std::chrono::milliseconds limit) {
  const auto end = std::chrono::steady_clock::now() + limit;
  for (;;) {
    const std::string text = read_file(file);
    const auto at = text.find(needle);
    if (at != std::string::npos) {
      const auto eol = text.find('\n', at);
      if (eol != std::string::npos)
        return text.substr(at + needle.size(), eol - at - needle.size());
    }
    if (std::chrono::steady_clock::now() >= end)
      return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // polling the log
  }
}

}  // namespace zohosync::support
