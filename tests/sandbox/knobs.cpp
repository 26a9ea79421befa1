#include "tests/sandbox/knobs.hpp"

#include "tests/sandbox/util.hpp"

#include <utility>

namespace zohosync::sandbox {

namespace json = boost::json;

namespace {

std::pair<const char*, int limit_options::*> const kLimitFields[] = {
    {"crm_concurrency", &limit_options::crm_concurrency},
    {"crm_daily_credits", &limit_options::crm_daily_credits},
    {"inventory_per_minute", &limit_options::inventory_per_minute},
    {"inventory_concurrency", &limit_options::inventory_concurrency},
    {"inventory_daily", &limit_options::inventory_daily},
    {"projects_per_window", &limit_options::projects_per_window},
    {"projects_window_s", &limit_options::projects_window_s},
    {"projects_lockout_s", &limit_options::projects_lockout_s},
};

}  // namespace

std::optional<std::string> apply_quirk_spec(const std::string& spec, options& opts) {
  for (const auto& raw : split(spec, ',')) {
    std::string item = trim(raw);
    if (item.empty())
      continue;
    auto colon = item.find(':');
    if (colon == std::string::npos)
      return "expected product:quirk, got " + item;
    std::string prod = item.substr(0, colon);
    std::string name = item.substr(colon + 1);
    bool on = true;
    if (!name.empty() && name[0] == '!') {
      on = false;
      name.erase(0, 1);
    }
    bool quirks::*field = nullptr;
    if (name == "lowercase_email")
      field = &quirks::lowercase_email;
    if (name == "trim_names")
      field = &quirks::trim_names;
    if (name == "format_phone")
      field = &quirks::format_phone;
    if (field == nullptr)
      return "unknown quirk " + name;
    bool matched = false;
    for (product p : kProducts) {
      if (prod == "all" || prod == product_name(p)) {
        opts.product_quirks[static_cast<int>(p)].*field = on;
        matched = true;
      }
    }
    if (!matched)
      return "unknown product " + prod;
  }
  return std::nullopt;
}

json::object quirks_json(const options& opts) {
  json::object out;
  for (product p : kProducts) {
    const auto& q = opts.product_quirks[static_cast<int>(p)];
    out[product_name(p)] = json::object{{"lowercase_email", q.lowercase_email},
                                        {"trim_names", q.trim_names},
                                        {"format_phone", q.format_phone}};
  }
  return out;
}

std::optional<std::string> apply_limits_json(const json::object& o, limit_options& lim) {
  for (const auto& [key, value] : o) {
    bool known = false;
    for (const auto& [name, field] : kLimitFields) {
      if (key == name) {
        if (!value.is_int64())
          return std::string("integer expected for ") + name;
        lim.*field = static_cast<int>(value.as_int64());
        known = true;
      }
    }
    if (!known)
      return "unknown limit " + std::string(key);
  }
  return std::nullopt;
}

json::object limits_json(const limit_options& lim) {
  json::object out;
  for (const auto& [name, field] : kLimitFields)
    out[name] = lim.*field;
  return out;
}

void disable_limits(limit_options& lim) {
  lim.crm_concurrency = 0;
  lim.crm_daily_credits = 0;
  lim.inventory_per_minute = 0;
  lim.inventory_concurrency = 0;
  lim.inventory_daily = 0;
  lim.projects_per_window = 0;
}

}  // namespace zohosync::sandbox
