// Pieces shared by the Inventory handler files (contacts and persons, users):
// the {"code":0,"message":...} envelope, paging and field checks.
#pragma once

#include "tests/sandbox/errors.hpp"
#include "tests/sandbox/sandbox.hpp"
#include "tests/sandbox/util.hpp"

#include <boost/json/array.hpp>

#include <algorithm>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace zohosync::sandbox::inventory {

namespace json = boost::json;

inline constexpr int kMaxPerPage = 200;  // larger values are cut to 200 (UNCONFIRMED)

struct field_limit {
  const char* name;
  std::size_t max;
};
inline constexpr field_limit kPersonFields[] = {
    {"salutation", 25}, {"first_name", 100}, {"last_name", 100},  {"email", 100},    {"phone", 50},
    {"mobile", 50},     {"skype", 50},       {"designation", 50}, {"department", 50}};
inline constexpr field_limit kUserFields[] = {{"name", 100}, {"email", 100}, {"user_role", 50}};

inline response ok(const std::string& message, json::object extra = {}, int status = 200) {
  json::object o{{"code", 0}, {"message", message}};
  for (auto& [k, v] : extra)
    o[k] = std::move(v);  // a listing's rows: moved, not copied
  return json_response(status, o);
}

inline response bad_value(const std::string& field) {
  return inventory_error(400, 2, "Invalid value passed for " + field);
}

struct paging {
  int page = 1;
  int per_page = kMaxPerPage;
};

inline paging read_paging(const request& req) {
  paging p;
  try {
    if (auto v = req.param("page"))
      p.page = std::max(1, std::stoi(*v));
    if (auto v = req.param("per_page"))
      p.per_page = std::clamp(std::stoi(*v), 1, kMaxPerPage);
  } catch (const std::exception&) {
  }
  return p;
}

// Slices `rows` for the page and returns the page_context object.
inline json::object page_of(std::vector<json::object>& rows, const paging& p, json::array& out,
                            json::object extra = {}) {
  std::size_t start = static_cast<std::size_t>(p.page - 1) * static_cast<std::size_t>(p.per_page);
  for (std::size_t i = start; i < rows.size() && i < start + static_cast<std::size_t>(p.per_page);
       ++i) {
    out.push_back(std::move(rows[i]));
  }
  json::object ctx{{"page", p.page},
                   {"per_page", p.per_page},
                   {"has_more_page", rows.size() > start + static_cast<std::size_t>(p.per_page)}};
  for (auto& [k, v] : extra)
    ctx[k] = v;
  return ctx;
}

// Validates the string fields of a person or user body; nullopt when fine.
inline std::optional<response> check_fields(const json::object& body,
                                            std::span<const field_limit> fields) {
  for (const auto& f : fields) {
    auto it = body.find(f.name);
    if (it == body.end() || it->value().is_null())
      continue;
    if (!it->value().is_string() || it->value().as_string().size() > f.max)
      return bad_value(f.name);
  }
  return std::nullopt;
}

inline response method_not_allowed() {
  return inventory_error(405, 37, "The HTTP method is not allowed for the requested resource");
}

// /inventory/v1/users[/...]; the caller has checked organization_id and scope.
response handle_users(call_context& ctx);

}  // namespace zohosync::sandbox::inventory
