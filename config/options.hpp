#pragma once

// The option table behind schema(): for every key path its kind, allowed
// values, checks and how it reads and writes the Config struct. The loader,
// the documentation (schema()) and non_reloadable_changes() all use it, so an
// option exists in one place only.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "config/config.hpp"

namespace zohosync::config::detail {

enum class Kind { string, boolean, integer, number, duration, string_list };

using Value =
    std::variant<std::string, bool, std::int64_t, double, Duration, std::vector<std::string>>;

// Returns "" when the value is acceptable, else the message to report.
using Check = std::function<std::string(const Value&)>;

struct OptionSpec {
  OptionInfo info;
  Kind kind = Kind::string;
  std::vector<std::string> choices;  // allowed strings; empty = any string
  Check check;
  bool secret = false;  // the value is a credential: never rendered anywhere
  std::function<void(Config&, const Value&)> set;
  std::function<Value(const Config&)> get;
};

const std::vector<OptionSpec>& option_specs();
const OptionSpec* find_option(std::string_view key_path);
// Every table path that holds options ("service", "collections.crm.contacts.fields", ...).
bool is_table_path(std::string_view key_path);
// The names of the options and tables directly under `table_path`.
std::vector<std::string> children_of(std::string_view table_path);

// TOML text of a value: "text", true, 42, 0.2, "5m", ["a", "b"].
std::string render(const Value& value);

}  // namespace zohosync::config::detail
