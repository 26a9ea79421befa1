// The manual pages against what they describe: zohosync.toml(5), as built,
// lists exactly the options of config::schema() with their defaults, and
// zohosync(1) names every command and flag the built binary accepts, every
// exit code and the environment variables zohosync reads.
#include <doctest/doctest.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "config/schema.hpp"
#include "daemon/exit_codes.hpp"
#include "man/config_man_page.hpp"

namespace {

const std::string kBinaryDir = ZOHOSYNC_BINARY_DIR;

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "cannot read " << path << " (build target zohosync_man_pages)");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    lines.push_back(line);
  return lines;
}

// The text between ".SH NAME" and the next ".SH".
std::string section(const std::string& page, const std::string& name) {
  const auto start = page.find("\n.SH " + name + "\n");
  REQUIRE_MESSAGE(start != std::string::npos, "no section " << name);
  const auto end = page.find("\n.SH ", start + 1);
  return page.substr(start, end == std::string::npos ? end : end - start);
}

// Output of the built zohosync with these arguments (the binary that ships).
std::string zohosync_output(const std::string& args) {
  const std::string command = kBinaryDir + "/daemon/zohosync " + args + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string out;
  char buffer[4096];
  for (size_t n; (n = fread(buffer, 1, sizeof buffer, pipe)) > 0;)
    out.append(buffer, n);
  const int status = pclose(pipe);
  CAPTURE(command);
  CAPTURE(out);
  REQUIRE(status == 0);
  return out;
}

struct HelpPage {
  std::vector<std::string> flags;        // "--json", "--since", ...
  std::vector<std::string> subcommands;  // "list", "show", ...
};

// Parses CLI11's help: option lines under "Options:", command names under
// "Subcommands:".
HelpPage parse_help(const std::string& help) {
  HelpPage page;
  enum { other, options, subcommands } in = other;
  for (const auto& line : lines_of(help)) {
    if (line == "Options:") {
      in = options;
    } else if (line == "Subcommands:") {
      in = subcommands;
    } else if (line.empty() || line[0] != ' ') {
      in = other;
    } else if (line.rfind("   ", 0) != 0) {  // a new entry, not a wrapped description
      std::string first = line.substr(2, line.find(' ', 2) - 2);
      if (in == options) {
        // "-h,--help" -> "--help"; "--log-level" stays.
        std::istringstream names(first);
        for (std::string name; std::getline(names, name, ',');) {
          if (name.rfind("--", 0) == 0)
            page.flags.push_back(name);
        }
      } else if (in == subcommands) {
        page.subcommands.push_back(first);
      }
    }
  }
  return page;
}

// Every command path the binary accepts, with its flags: {"" -> global
// flags, "journal" -> {...}, "conflicts resolve" -> {"--take"}, ...}.
void collect_commands(const std::string& path, std::map<std::string, HelpPage>& out) {
  const HelpPage page = parse_help(zohosync_output(path + (path.empty() ? "" : " ") + "--help"));
  out[path] = page;
  for (const auto& sub : page.subcommands)
    collect_commands(path.empty() ? sub : path + " " + sub, out);
}

// True when a line of `text` starts a .B or .BI tag with `term` as its
// first word(s): ".B term", ".B term \fR[...", ".BI "term " arg".
bool has_entry(const std::string& text, const std::string& term) {
  for (const auto& line : lines_of(text)) {
    for (const std::string& start : {".B " + term, ".BI " + term, ".BI \"" + term}) {
      if (line.rfind(start, 0) != 0)
        continue;
      const std::string rest = line.substr(start.size());
      if (rest.empty() || rest[0] == ' ' || rest[0] == '"')
        return true;
    }
  }
  return false;
}

}  // namespace

TEST_CASE("man pages: roff_escape keeps text literal on one roff line") {
  struct Case {
    const char* text;
    const char* roff;
  };
  const Case cases[] = {
      {"plain words", "plain words"},
      // Minus signs stay ASCII so flags and values can be copied.
      {"--state-dir", "\\-\\-state\\-dir"},
      // A backslash is printed, not read as an escape.
      {"C:\\path", "C:\\epath"},
      // A leading dot or quote would be a roff request.
      {".hidden", "\\&.hidden"},
      {"'quoted'", "\\&'quoted'"},
      {"a . b", "a . b"},
      // `code` is bold; an unclosed span is closed at the end of the line.
      {"see `zohosync status` now", "see \\fBzohosync status\\fR now"},
      {"open `span", "open \\fBspan\\fR"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.text);
    CHECK(zohosync::man::roff_escape(c.text) == c.roff);
  }
}

TEST_CASE("man pages: render_page refuses a template without the options line") {
  CHECK_THROWS(zohosync::man::render_page(".TH X 5\n", "1", zohosync::config::schema()));
  const auto page = zohosync::man::render_page(
      ".TH X 5 \"\" \"v @ZOHOSYNC_VERSION@\"\n"
      "@ZOHOSYNC_OPTIONS@\n.SH END\n",
      "9.9", {});
  CHECK(page == ".TH X 5 \"\" \"v 9.9\"\n.SH END\n");
}

TEST_CASE("man pages: zohosync.toml(5) as built documents exactly the schema's options") {
  const auto page = read_text(kBinaryDir + "/man/zohosync.toml.5");
  const auto lines = lines_of(page);

  // Each entry is ".TP", ".B <key>", description, ".br", facts.
  std::map<std::string, std::string> facts_by_key;
  for (std::size_t i = 0; i + 4 < lines.size(); ++i) {
    if (lines[i] == ".TP" && lines[i + 1].rfind(".B ", 0) == 0 && lines[i + 3] == ".br" &&
        lines[i + 4].rfind("Type: ", 0) == 0)
      facts_by_key[lines[i + 1].substr(3)] = lines[i + 4];
  }

  std::set<std::string> expected;
  for (const auto& option : zohosync::config::schema()) {
    CAPTURE(option.key_path);
    const std::string key = zohosync::man::roff_escape(option.key_path);
    expected.insert(key);
    auto it = facts_by_key.find(key);
    REQUIRE(it != facts_by_key.end());
    const std::string& facts = it->second;
    CAPTURE(facts);
    CHECK(facts.find("Type: " + zohosync::man::roff_escape(option.type) + ";") !=
          std::string::npos);
    if (!option.default_value.empty()) {
      CHECK(facts.find("default: " + zohosync::man::roff_escape(option.default_value)) !=
            std::string::npos);
    }
    CHECK(facts.find(option.reloadable ? "reloadable" : "restart to change") != std::string::npos);
  }
  for (const auto& [key, facts] : facts_by_key) {
    CAPTURE(key);
    CHECK(expected.count(key) == 1);
  }
  CHECK(facts_by_key.size() == zohosync::config::schema().size());
  // The version placeholder was filled in.
  CHECK(page.find("@ZOHOSYNC_") == std::string::npos);
}

TEST_CASE("man pages: zohosync(1) names every command and flag of the built binary") {
  const auto page = read_text(kBinaryDir + "/man/zohosync.1");
  const auto commands_section = section(page, "COMMANDS");
  const auto global_section = section(page, "GLOBAL OPTIONS");

  std::map<std::string, HelpPage> commands;
  collect_commands("", commands);
  REQUIRE(commands.size() > 1);

  for (const auto& [path, help] : commands) {
    CAPTURE(path);
    if (!path.empty() && help.subcommands.empty()) {
      // A leaf command has its own entry: ".B <path>" or ".BI "<path> "...".
      CHECK_MESSAGE(has_entry(commands_section, zohosync::man::roff_escape(path)),
                    "no entry for `zohosync " << path << "` under COMMANDS");
    }
    for (const auto& flag : help.flags) {
      CAPTURE(flag);
      // --help is on every command and described once, with the global options.
      const bool global = path.empty() || flag == "--help";
      const std::string& where = global ? global_section : commands_section;
      CHECK(where.find(zohosync::man::roff_escape(flag)) != std::string::npos);
    }
  }
}

TEST_CASE("man pages: zohosync(1) lists every exit code, signal and environment variable") {
  namespace exit_code = zohosync::daemon::exit_code;
  const auto page = read_text(kBinaryDir + "/man/zohosync.1");
  const auto exit_status = section(page, "EXIT STATUS");
  for (int code : {exit_code::kOk, exit_code::kFailures, exit_code::kUsage, exit_code::kDataError,
                   exit_code::kNoInput, exit_code::kUnavailable, exit_code::kSoftware,
                   exit_code::kOsError, exit_code::kCantCreate, exit_code::kIoError,
                   exit_code::kTempFail, exit_code::kNoPermission, exit_code::kConfig}) {
    CAPTURE(code);
    CHECK(exit_status.find("\n.B " + std::to_string(code) + "\n") != std::string::npos);
  }
  const auto signals = section(page, "SIGNALS");
  for (const char* signal : {"SIGHUP", "SIGTERM", "SIGINT"}) {
    CAPTURE(signal);
    CHECK(signals.find(signal) != std::string::npos);
  }
  const auto environment = section(page, "ENVIRONMENT");
  for (const char* variable : {"CREDENTIALS_DIRECTORY", "ZOHOSYNC_CLIENT_SECRET",
                               "ZOHOSYNC_REFRESH_TOKEN", "JOURNAL_STREAM", "NOTIFY_SOCKET"}) {
    CAPTURE(variable);
    CHECK(environment.find("\n.B " + std::string(variable) + "\n") != std::string::npos);
  }
  CHECK(page.find("@PROJECT_VERSION@") == std::string::npos);
}
