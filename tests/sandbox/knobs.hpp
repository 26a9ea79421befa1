// Knob changes that both the command line and the admin API accept.
#pragma once

#include "tests/sandbox/options.hpp"

#include <boost/json/object.hpp>

#include <optional>
#include <string>

namespace zohosync::sandbox {

// "crm:lowercase_email,inventory:trim_names,all:format_phone" (a "!" before the
// quirk name turns it off). Returns an error text on an unknown word.
std::optional<std::string> apply_quirk_spec(const std::string& spec, options& opts);
boost::json::object quirks_json(const options& opts);
// Applies {"crm_concurrency":..,"inventory_per_minute":..,...}; unknown keys are an error.
std::optional<std::string> apply_limits_json(const boost::json::object& o, limit_options& lim);
boost::json::object limits_json(const limit_options& lim);
void disable_limits(limit_options& lim);

}  // namespace zohosync::sandbox
