// zohosync-bench: performance figures for the engine.
//   zohosync-bench engine --people N [--json]

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <string>

#include "bench/engine_bench.hpp"

int main(int argc, char** argv) {
  CLI::App app{"zohosync benchmarks"};
  app.require_subcommand(1);
  auto* engine =
      app.add_subcommand("engine", "plan + apply over N generated people x 5 collections");
  std::size_t people = 10'000;
  bool json = false;
  std::string dir;
  engine->add_option("--people", people, "people to generate")->check(CLI::PositiveNumber);
  engine->add_flag("--json", json, "print one JSON object instead of a table");
  engine->add_option("--state-dir", dir, "where to put the LMDB state (default: a fresh temp dir)");
  CLI11_PARSE(app, argc, argv);

  namespace fs = std::filesystem;
  bool remove_dir = false;
  if (dir.empty()) {
    std::string tmpl = (fs::temp_directory_path() / "zohosync-bench-XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) {
      std::perror("mkdtemp");
      return 1;
    }
    dir = tmpl;
    remove_dir = true;
  }
  int rc = 0;
  try {
    auto result = zohosync::bench::run_engine_bench(people, (fs::path(dir) / "state").string());
    std::fputs((json ? zohosync::bench::to_json(result) + "\n" : zohosync::bench::to_table(result))
                   .c_str(),
               stdout);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "zohosync-bench: %s\n", e.what());
    rc = 1;
  }
  if (remove_dir) {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  return rc;
}
