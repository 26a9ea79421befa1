// load_file()/load_string(): TOML text -> Config. The walk is driven by the
// option table: every key the user wrote is matched against it (unknown keys
// and wrong types are reported with their position), then bound to Config.
#include <sys/stat.h>
#include <toml++/toml.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "config/checks.hpp"
#include "config/config.hpp"
#include "config/duration.hpp"
#include "config/options.hpp"
#include "config/reporter.hpp"
#include "config/urls.hpp"

namespace zohosync::config {
namespace detail {
namespace {

Location where(const toml::source_region& region) {
  return {static_cast<int>(region.begin.line), static_cast<int>(region.begin.column)};
}

std::string type_name(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::table:
      return "a table";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a float";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::date:
      return "a date";
    case toml::node_type::time:
      return "a time";
    case toml::node_type::date_time:
      return "a date-time";
    default:
      return "nothing";
  }
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j)
    row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

std::string join_quoted(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items)
    out += (out.empty() ? "" : ", ") + item;
  return out;
}

}  // namespace

// True when line `line` (1-based) or the one before assigns an inline secret.
bool near_secret_line(std::string_view text, int line) {
  int current = 1;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos)
      end = text.size();
    if (current == line - 1 || current == line) {
      std::string_view content = text.substr(start, end - start);
      for (std::string_view key : {"client_secret", "refresh_token"}) {
        auto at = content.find(key);
        if (at == std::string_view::npos)
          continue;
        auto rest = content.substr(at + key.size());
        auto first = rest.find_first_not_of(" \t\"'");
        if (first != std::string_view::npos && rest[first] == '=')
          return true;
      }
    }
    if (current >= line)
      break;
    ++current;
    start = end + 1;
  }
  return false;
}

namespace {

class Binder {
 public:
  Binder(Config& config, Reporter& reporter) : config_(config), reporter_(reporter) {}

  void walk(const toml::table& table, const std::string& prefix) {
    for (auto&& [key, node] : table) {
      const std::string name(key.str());
      const std::string path = prefix.empty() ? name : prefix + "." + name;
      Location at = where(key.source());
      if (at.line == 0)
        at = where(node.source());
      if (is_table_path(path)) {
        reporter_.remember(path, where(node.source()).line ? where(node.source()) : at);
        if (const auto* sub = node.as_table()) {
          walk(*sub, path);
        } else {
          reporter_.remember(path, at);
          reporter_.error(path, "expected a table, got " + type_name(node));
        }
        continue;
      }
      const OptionSpec* spec = find_option(path);
      if (spec == nullptr) {
        reporter_.remember(path, at);
        reporter_.error(path, unknown_key_message(prefix, name));
        continue;
      }
      if (reporter_.written(path)) {
        // Only possible by mixing [collections."crm.contacts"] with
        // [collections.crm.contacts]: TOML itself rejects plain duplicates.
        Location first = reporter_.location(path);
        reporter_.remember(path + "#again", where(node.source()));
        reporter_.error(path, "set twice (first at line " + std::to_string(first.line) + ")",
                        path + "#again");
        continue;
      }
      reporter_.remember(path, where(node.source()).line ? where(node.source()) : at);
      bind(*spec, node, path);
    }
  }

 private:
  std::string unknown_key_message(const std::string& prefix, const std::string& name) {
    // A canonical field the collection does not carry gets a precise answer.
    const std::string fields_suffix = ".fields";
    if (prefix.size() > fields_suffix.size() && prefix.starts_with("collections.") &&
        prefix.ends_with(fields_suffix)) {
      const auto& all = canonical_fields();
      if (std::find(all.begin(), all.end(), name) != all.end()) {
        std::string id = prefix.substr(12, prefix.size() - 12 - fields_suffix.size());
        return id + " does not carry the field \"" + name +
               "\" (it carries: " + join_quoted(carried_fields(id)) + ")";
      }
    }
    std::string message = "unknown key \"" + name + "\"";
    std::string best;
    std::size_t best_distance = 3;
    for (const auto& candidate : children_of(prefix)) {
      std::size_t d = edit_distance(name, candidate);
      if (d < best_distance && d <= std::max<std::size_t>(1, candidate.size() / 3)) {
        best_distance = d;
        best = candidate;
      }
    }
    if (!best.empty()) {
      message += "; did you mean \"" + best + "\"?";
    } else if (prefix.starts_with("collections.") && prefix.ends_with(fields_suffix)) {
      // Field maps use the canonical names (e.g. designation for CRM's Title).
      message += " (canonical fields here: " + join_quoted(children_of(prefix)) + ")";
    } else if (prefix.empty() || prefix == "collections" ||
               (prefix.starts_with("collections.") && prefix.find('.', 12) == std::string::npos)) {
      // At the top level and among collections, listing what exists helps more.
      message += " (known: " + join_quoted(children_of(prefix)) + ")";
    }
    return message;
  }

  void bind(const OptionSpec& spec, const toml::node& node, const std::string& path) {
    std::optional<Value> value = convert(spec, node, path);
    if (!value)
      return;
    if (!spec.choices.empty()) {
      const auto& text = std::get<std::string>(*value);
      if (std::find(spec.choices.begin(), spec.choices.end(), text) == spec.choices.end()) {
        // The value of a secret key is never echoed back.
        reporter_.error(
            path, (spec.secret ? std::string("invalid value") : "invalid value " + render(*value)) +
                      "; expected " + spec.info.type);
        return;
      }
    }
    if (spec.check) {
      std::string problem = spec.check(*value);
      if (!problem.empty()) {
        reporter_.error(path, problem);
        return;
      }
    }
    spec.set(config_, *value);
  }

  std::optional<Value> convert(const OptionSpec& spec, const toml::node& node,
                               const std::string& path) {
    auto wrong = [&](const std::string& expected) -> std::optional<Value> {
      reporter_.error(path, "expected " + expected + ", got " + type_name(node));
      return std::nullopt;
    };
    switch (spec.kind) {
      case Kind::string:
        if (auto v = node.value_exact<std::string>())
          return Value(*v);
        return wrong("a string");
      case Kind::boolean:
        if (auto v = node.value_exact<bool>())
          return Value(*v);
        return wrong("a boolean (true or false)");
      case Kind::integer:
        if (auto v = node.value_exact<std::int64_t>())
          return Value(*v);
        return wrong("an integer");
      case Kind::number:
        if (auto v = node.value_exact<double>())
          return Value(*v);
        if (auto v = node.value_exact<std::int64_t>())
          return Value(static_cast<double>(*v));
        return wrong("a number");
      case Kind::duration: {
        constexpr const char* kExpected =
            "a duration (seconds as an integer, or a string such as \"90s\", \"5m\", \"1h30m\", "
            "\"1d\")";
        if (auto v = node.value_exact<std::int64_t>()) {
          if (*v < 0 || *v > 100LL * 365 * 86400) {
            reporter_.error(path, "a duration must be from 0 to 100 years");
            return std::nullopt;
          }
          return Value(Duration(*v * 1000));
        }
        if (auto v = node.value_exact<std::string>()) {
          if (auto d = parse_duration(*v))
            return Value(*d);
          reporter_.error(
              path, "invalid duration \"" + *v + "\"; expected " + std::string(kExpected + 2));
          return std::nullopt;
        }
        return wrong(kExpected);
      }
      case Kind::string_list: {
        const auto* array = node.as_array();
        if (array == nullptr)
          return wrong("an array of strings");
        std::vector<std::string> items;
        bool ok = true;
        for (const auto& element : *array) {
          if (auto v = element.value_exact<std::string>()) {
            items.push_back(*v);
          } else {
            Location at = where(element.source());
            reporter_.remember(path + "[]", at);
            reporter_.error(path,
                            "expected an array of strings, but an element is " + type_name(element),
                            path + "[]");
            ok = false;
          }
        }
        if (!ok)
          return std::nullopt;
        return Value(std::move(items));
      }
    }
    return std::nullopt;
  }

  Config& config_;
  Reporter& reporter_;
};

}  // namespace
}  // namespace detail

LoadResult load_string(std::string_view toml, const std::string& source_name,
                       const LoadOptions& options) {
  LoadResult result;
  detail::Reporter reporter(source_name, result.diagnostics);
  toml::table root;
  try {
    root = toml::parse(toml, source_name);
  } catch (const toml::parse_error& error) {
    auto begin = error.source().begin;
    std::string message(error.description());
    if (detail::near_secret_line(toml, static_cast<int>(begin.line))) {
      // toml++ may quote the characters it choked on, which here would be
      // part of a secret.
      message = "syntax error near an inline secret (details withheld; quote the value)";
    }
    result.diagnostics.push_back(Diagnostic{Severity::error, source_name,
                                            static_cast<int>(begin.line),
                                            static_cast<int>(begin.column), "", message});
    return result;
  }
  Config config;
  detail::Binder(config, reporter).walk(root, "");
  detail::finish(config, reporter, options);
  // Walk order is key order and cross-option checks come last: present the
  // problems in file order, command-line ones (no line) first.
  std::stable_sort(result.diagnostics.begin(), result.diagnostics.end(),
                   [](const Diagnostic& a, const Diagnostic& b) {
                     return std::pair(a.line, a.column) < std::pair(b.line, b.column);
                   });
  result.config = std::move(config);
  return result;
}

namespace {

std::string octal(mode_t mode) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode & 07777));
  return buf;
}

// Who may change or read the file: anyone who can write it can point
// accounts_url elsewhere and collect the refresh token; anyone who can read
// it reads inline secrets. Secrets kept in their own files (the normal case)
// leave the configuration readable, as /etc files usually are.
void check_file_mode(const std::string& path, LoadResult& result) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    return;  // read a moment ago; a vanished file has nothing left to protect
  if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
    result.diagnostics.push_back(
        Diagnostic{Severity::error, path, 0, 0, "",
                   "the configuration file is writable by group or others (mode " +
                       octal(st.st_mode) + "); refusing it: run chmod go-w " + path});
  }
  if (!result.config || (st.st_mode & (S_IRWXG | S_IRWXO)) == 0)
    return;
  const auto& oauth = result.config->oauth;
  if (oauth.client_secret_source != "inline" && oauth.refresh_token_source != "inline")
    return;
  std::string error;
  const auto accounts = detail::parse_url(oauth.accounts_url, &error);
  // Inline secrets for a loopback accounts server are a sandbox's throwaway
  // ones (config/sandbox.toml); anything else would be real credentials left
  // for others to read.
  if (accounts && detail::is_loopback_host(accounts->host))
    return;
  result.diagnostics.push_back(Diagnostic{
      Severity::error, path, 0, 0, "oauth",
      "the configuration file holds inline secrets and is readable by group or others (mode " +
          octal(st.st_mode) + "); refusing it: run chmod 600 " + path +
          " or move the secrets to files"});
}

}  // namespace

LoadResult load_file(const std::string& path, const LoadOptions& options) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    LoadResult result;
    result.diagnostics.push_back(
        Diagnostic{Severity::error, path, 0, 0, "", "is a directory, not a configuration file"});
    return result;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    LoadResult result;
    result.diagnostics.push_back(
        Diagnostic{Severity::error, path, 0, 0, "", "cannot read the configuration file"});
    return result;
  }
  std::ostringstream text;
  text << in.rdbuf();
  LoadResult result = load_string(text.str(), path, options);
  check_file_mode(path, result);
  return result;
}

}  // namespace zohosync::config
