// Build-time generator of zohosync.toml(5):
//   zohosync-gen-config-man TEMPLATE OUTPUT VERSION
// TEMPLATE holds the prose; the option list comes from config::schema().
#include <cstdio>
#include <exception>
#include <fstream>
#include <sstream>
#include <string>

#include "config/schema.hpp"
#include "man/config_man_page.hpp"

namespace {

std::string read_file(const char* path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw std::runtime_error(std::string("cannot read ") + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s TEMPLATE OUTPUT VERSION\n", argv[0]);
    return 64;
  }
  try {
    const std::string page =
        zohosync::man::render_page(read_file(argv[1]), argv[3], zohosync::config::schema());
    std::ofstream out(argv[2], std::ios::binary | std::ios::trunc);
    out << page;
    out.close();
    if (!out)
      throw std::runtime_error(std::string("cannot write ") + argv[2]);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: %s\n", argv[0], e.what());
    return 1;
  }
  return 0;
}
