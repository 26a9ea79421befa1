#include "tests/sandbox/faults.hpp"

#include "tests/sandbox/util.hpp"

#include <utility>

namespace zohosync::sandbox {

namespace json = boost::json;

namespace {

constexpr std::pair<fault_kind, const char*> kKinds[] = {
    {fault_kind::status_500, "500"},    {fault_kind::status_429, "429"},
    {fault_kind::reset, "reset"},       {fault_kind::hang, "hang"},
    {fault_kind::truncate, "truncate"}, {fault_kind::malformed, "malformed"},
    {fault_kind::latency, "latency"}};

bool path_matches(const std::string& pattern, const std::string& path) {
  if (pattern.empty() || pattern == "*")
    return true;
  if (pattern.back() == '*')
    return path.starts_with(pattern.substr(0, pattern.size() - 1));
  return pattern == path;
}

double number(const json::value& v) {
  if (v.is_double())
    return v.as_double();
  if (v.is_int64())
    return static_cast<double>(v.as_int64());
  if (v.is_uint64())
    return static_cast<double>(v.as_uint64());
  if (v.is_string())
    return std::stod(std::string(v.as_string()));
  throw std::invalid_argument("not a number");
}

}  // namespace

const char* fault_kind_name(fault_kind k) {
  for (const auto& [kind, name] : kKinds) {
    if (kind == k)
      return name;
  }
  return "?";
}

std::optional<std::string> fault_table::add(const json::object& spec) {
  fault_rule r;
  auto kind = get_string(spec, "kind");
  if (!kind)
    return "missing kind";
  bool known = false;
  for (const auto& [k, name] : kKinds) {
    if (*kind == name) {
      r.kind = k;
      known = true;
    }
  }
  if (!known)
    return "unknown kind " + *kind;
  r.method = string_or(spec, "method");
  r.path = string_or(spec, "path", "*");
  try {
    if (auto it = spec.find("rate"); it != spec.end())
      r.rate = number(it->value());
    if (auto it = spec.find("nth"); it != spec.end())
      r.nth = static_cast<int>(number(it->value()));
    if (auto it = spec.find("ms"); it != spec.end())
      r.ms = static_cast<int>(number(it->value()));
    if (auto it = spec.find("times"); it != spec.end()) {
      r.times = static_cast<int>(number(it->value()));
    } else if (r.nth > 0) {
      r.times = 1;
    }
  } catch (const std::exception&) {
    return "numbers expected for rate/nth/times/ms";
  }
  if (r.nth <= 0 && r.rate <= 0)
    r.rate = 1.0;  // no trigger given: every matching call
  if (r.kind == fault_kind::hang && r.ms <= 0)
    r.ms = 120000;
  r.id = next_id_++;
  rules_.push_back(r);
  return std::nullopt;
}

std::optional<std::string> fault_table::add_spec(const std::string& spec) {
  json::object o;
  for (const auto& part : split(spec, ',')) {
    auto eq = part.find('=');
    if (eq == std::string::npos)
      return "expected key=value in " + part;
    o[part.substr(0, eq)] = part.substr(eq + 1);
  }
  return add(o);
}

std::optional<fault_rule> fault_table::on_call(const std::string& method, const std::string& path) {
  std::optional<fault_rule> hit;
  for (auto& r : rules_) {
    if (!r.method.empty() && r.method != method)
      continue;
    if (!path_matches(r.path, path))
      continue;
    ++r.seen;
    if (hit || (r.times >= 0 && r.fired >= r.times))
      continue;
    bool fire = r.nth > 0 ? r.seen >= r.nth
                          : std::uniform_real_distribution<double>(0.0, 1.0)(gen_) < r.rate;
    if (fire) {
      ++r.fired;
      hit = r;
    }
  }
  return hit;
}

json::array fault_table::list() const {
  json::array out;
  for (const auto& r : rules_) {
    out.push_back(json::object{{"id", r.id},
                               {"kind", fault_kind_name(r.kind)},
                               {"method", r.method},
                               {"path", r.path},
                               {"rate", r.rate},
                               {"nth", r.nth},
                               {"times", r.times},
                               {"ms", r.ms},
                               {"seen", r.seen},
                               {"fired", r.fired}});
  }
  return out;
}

}  // namespace zohosync::sandbox
