// The shipped example must load cleanly and must document exactly the options
// of schema(), each with the default the loader really uses.
#include <toml++/toml.h>

#include <doctest/doctest.h>

#include <fstream>
#include <set>
#include <sstream>

#include "tests/config/helpers.hpp"

namespace zohosync::config::test {
namespace {

const std::string kExample = std::string(ZOHOSYNC_SOURCE_DIR) + "/config/zohosync.example.toml";

void collect_keys(const toml::table& table, const std::string& prefix, std::set<std::string>& out) {
  for (auto&& [key, node] : table) {
    std::string path =
        prefix.empty() ? std::string(key.str()) : prefix + "." + std::string(key.str());
    if (const auto* sub = node.as_table()) {
      collect_keys(*sub, path, out);
    } else {
      out.insert(path);
    }
  }
}

std::vector<std::string> read_lines(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);)
    lines.push_back(line);
  return lines;
}

}  // namespace

TEST_CASE("the example config loads without errors on a machine without secrets") {
  CleanSecretEnv clean;
  auto result = load_file(kExample);
  INFO(all_text(result));
  REQUIRE(result.ok());
  // The only complaints allowed are the secret files that do not exist yet.
  for (const auto& w : warnings(result)) {
    CHECK((w.key_path == "oauth.client_secret_file" || w.key_path == "oauth.refresh_token_file"));
  }
  const Config& c = *result.config;
  CHECK(c.service.state_dir == "/var/lib/zohosync");
  CHECK(c.inventory.api_url == "https://www.zohoapis.com/inventory/v1");
  CHECK(c.projects.api_url == "https://projectsapi.zoho.com");
  CHECK(c.crm.api_url == "https://www.zohoapis.com");
  CHECK(c.contracts.api_url == "https://contracts.zoho.com");
  CHECK(c.oauth.accounts_url == "https://accounts.zoho.com");
  CHECK(c.oauth.token_url() == "https://accounts.zoho.com/oauth/v2/token");
  for (const auto& id : collection_ids()) {
    CAPTURE(id);
    CHECK(c.collection(id).active);
  }
}

TEST_CASE("under SecretCheck::require the example's missing secrets are errors") {
  CleanSecretEnv clean;
  LoadOptions options;
  options.secrets = SecretCheck::require;
  auto result = load_file(kExample, options);
  CHECK_FALSE(result.ok());
  CHECK(errors(result).size() == 2);
}

TEST_CASE("the example holds every schema key and nothing else") {
  toml::table root = toml::parse_file(kExample);
  std::set<std::string> in_example;
  collect_keys(root, "", in_example);
  std::set<std::string> in_schema;
  for (const auto& option : schema()) {
    CAPTURE(option.key_path);
    CHECK(in_schema.insert(option.key_path).second);  // no duplicates
  }
  for (const auto& key : in_schema) {
    CAPTURE(key);
    CHECK(in_example.count(key) == 1);
  }
  for (const auto& key : in_example) {
    CAPTURE(key);
    CHECK(in_schema.count(key) == 1);
  }
}

TEST_CASE("every option is documented, and the example states its default") {
  auto lines = read_lines(kExample);
  std::string table;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const auto& line = lines[i];
    if (line.starts_with("[")) {
      table = line.substr(1, line.find(']') - 1);
      continue;
    }
    auto eq = line.find(" = ");
    if (line.empty() || line[0] == '#' || line[0] == ' ' || eq == std::string::npos)
      continue;
    const std::string key = table + "." + line.substr(0, eq);
    const OptionInfo* option = nullptr;
    for (const auto& o : schema()) {
      if (o.key_path == key)
        option = &o;
    }
    CAPTURE(key);
    REQUIRE(option != nullptr);
    CHECK_FALSE(option->description.empty());
    CHECK_FALSE(option->type.empty());
    CHECK_FALSE(option->default_value.empty());
    // The comment block above the key (or above the table, for field maps).
    std::string comment;
    bool in_comment = false;
    for (std::size_t j = i; j-- > 0;) {
      const auto& above = lines[j];
      if (above.starts_with("#")) {
        comment = above + " " + comment;
        in_comment = true;
        continue;
      }
      if (in_comment)
        break;
      // Field maps are documented once, above their table.
      if (table.ends_with(".fields") && above.find(" = ") != std::string::npos)
        continue;
      break;
    }
    // Comments wrap lines; compare with whitespace collapsed.
    std::string flat;
    for (std::size_t k = 0; k < comment.size(); ++k) {
      if (comment[k] == '#')
        continue;
      if (std::isspace(static_cast<unsigned char>(comment[k]))) {
        if (!flat.empty() && flat.back() != ' ')
          flat += ' ';
      } else {
        flat += comment[k];
      }
    }
    CAPTURE(flat);
    CHECK(flat.find("default " + option->default_value) != std::string::npos);
  }
}

}  // namespace zohosync::config::test
