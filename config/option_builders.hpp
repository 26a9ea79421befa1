#pragma once

// Building blocks of the option table (options.cpp, collection_options.cpp):
// option() binds a key to a Config member through a reference accessor,
// enum_option() a string key to an enum member, and the Check factories
// validate single values.

#include <algorithm>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "common/sync_policy.hpp"
#include "config/options.hpp"

namespace zohosync::config::detail {

template <class T>
constexpr Kind kind_of() {
  if constexpr (std::is_same_v<T, std::string>)
    return Kind::string;
  if constexpr (std::is_same_v<T, bool>)
    return Kind::boolean;
  if constexpr (std::is_same_v<T, int> || std::is_same_v<T, std::int64_t>)
    return Kind::integer;
  if constexpr (std::is_same_v<T, double>)
    return Kind::number;
  if constexpr (std::is_same_v<T, Duration>)
    return Kind::duration;
  if constexpr (std::is_same_v<T, std::vector<std::string>>)
    return Kind::string_list;
}

template <class T>
Value to_value(const T& v) {
  if constexpr (std::is_same_v<T, int>) {
    return static_cast<std::int64_t>(v);
  } else {
    return v;
  }
}

template <class T>
T from_value(const Value& v) {
  if constexpr (std::is_same_v<T, int>) {
    return static_cast<int>(std::get<std::int64_t>(v));
  } else {
    return std::get<T>(v);
  }
}

// option(key, [](Config& c) -> auto& { return c.x.y; }, reloadable, description, check)
template <class Ref>
OptionSpec option(std::string key, Ref ref, bool reloadable, std::string description,
                  Check check = {}) {
  using T = std::remove_reference_t<decltype(ref(std::declval<Config&>()))>;
  OptionSpec spec;
  spec.info.key_path = std::move(key);
  spec.info.description = std::move(description);
  spec.info.reloadable = reloadable;
  spec.kind = kind_of<T>();
  spec.check = std::move(check);
  spec.set = [ref](Config& c, const Value& v) { ref(c) = from_value<T>(v); };
  spec.get = [ref](const Config& c) { return to_value<T>(ref(const_cast<Config&>(c))); };
  return spec;
}

// A string option stored as one of common's policy enums, spelled in its
// config words (common::words), in enumerator order.
template <class Ref>
OptionSpec enum_option(std::string key, Ref ref, bool reloadable, std::string description) {
  using E = std::remove_reference_t<decltype(ref(std::declval<Config&>()))>;
  OptionSpec spec;
  spec.info.key_path = std::move(key);
  spec.info.description = std::move(description);
  spec.info.reloadable = reloadable;
  spec.kind = Kind::string;
  for (std::string_view word : common::words<E>())
    spec.choices.emplace_back(word);
  // The loader calls set only with one of the choices.
  spec.set = [ref](Config& c, const Value& v) {
    ref(c) = *common::parse<E>(std::get<std::string>(v));
  };
  spec.get = [ref](const Config& c) -> Value {
    return std::string(to_string(ref(const_cast<Config&>(c))));
  };
  return spec;
}

// Every number and duration has a range (documented with its key): an
// absurd value is a config error, and no arithmetic on an accepted one can
// overflow (durations stay far below what int64 milliseconds hold).
Check int_between(std::int64_t min, std::int64_t max);
Check share();
Check duration_between(Duration min, Duration max);
Check url_or_empty();
Check absolute_path();
Check absolute_path_or_empty();
Check listen_address();
Check no_duplicates();
// A list of include rules (common/include_rule.hpp), each one parsing.
Check include_rules();

// Adds the options of every collection (collections.<id>.*).
void add_collection_options(std::vector<OptionSpec>& specs);

}  // namespace zohosync::config::detail
