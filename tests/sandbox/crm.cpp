// Zoho CRM v8, module Contacts: routing, scopes and the read side (list with
// paging / page_token / If-Modified-Since / ids, single record, search, deleted).
#include "tests/sandbox/crm_common.hpp"
#include "tests/sandbox/router.hpp"
#include "tests/sandbox/util.hpp"

#include <algorithm>
#include <cstdio>
#include <vector>

namespace zohosync::sandbox {

namespace json = boost::json;

namespace crm {

json::object user_ref() {
  return json::object{
      {"name", "Sandbox Admin"}, {"id", "4150868000000225013"}, {"email", "admin@sandbox.example"}};
}

response batch_answer(const char* key, json::array items, int all_ok_status) {
  std::size_t ok = 0;
  for (const auto& it : items) {
    if (it.as_object().at("status").as_string() == "success")
      ++ok;
  }
  int status = ok == items.size() ? all_ok_status : ok == 0 ? 400 : 207;
  return json_response(status, json::object{{key, std::move(items)}});
}

namespace {

response invalid_param(const std::string& param, const std::string& message = "invalid data") {
  return crm_error(400, "INVALID_DATA", message, json::object{{"param_name", param}});
}

std::optional<std::size_t> positive(const std::string* v) {
  if (v == nullptr)
    return std::nullopt;
  try {
    long n = std::stol(*v);
    if (n < 1)
      return 0;
    return static_cast<std::size_t>(n);
  } catch (const std::exception&) {
    return 0;
  }
}

json::object project(const record& r, const std::vector<std::string>& fields) {
  if (fields.empty())
    return r;
  json::object out;
  out["id"] = r.at("id");
  for (const auto& f : fields) {
    if (f == "id")
      continue;
    auto it = r.find(f);
    out[f] = it == r.end() ? json::value(nullptr) : it->value();
  }
  return out;
}

std::vector<std::string> field_list(const std::string& csv) {
  std::vector<std::string> out;
  for (auto& f : split(csv, ',')) {
    std::string t = trim(f);
    if (!t.empty())
      out.push_back(t);
  }
  return out;
}

std::int64_t time_of(const record& r, const char* field) {
  auto s = get_string(r, field);
  auto t = s ? parse_time(*s) : std::nullopt;
  return t ? *t : 0;
}

// If-Modified-Since: 0 when absent; nullopt when unreadable.
std::optional<std::int64_t> modified_since(const request& req) {
  std::string h = req.header("if-modified-since");
  if (h.empty())
    return 0;
  return parse_time(h);
}

response list(call_context& ctx) {
  auto& sb = ctx.sb;
  const auto& req = ctx.req;
  auto per_page = positive(req.param("per_page")).value_or(kMaxPerPage);
  if (per_page == 0 || per_page > kMaxPerPage) {
    return crm_error(400, "INVALID_DATA", "invalid data",
                     json::object{{"param_name", "per_page"}, {"limit", kMaxPerPage}});
  }
  crm_cursor cur;
  std::size_t page = 1;
  const std::string* token = req.param("page_token");
  if (token != nullptr) {
    if (req.param("page") != nullptr) {
      return invalid_param("page_token", "page and page_token cannot be given together");
    }
    auto it = sb.crm_cursors.find(*token);
    if (it == sb.crm_cursors.end() || it->second.expires_at <= sb.now()) {
      return invalid_param("page_token", "invalid or expired page_token");
    }
    cur = it->second;
    page = cur.offset / per_page + 1;
  } else {
    const std::string* fields = req.param("fields");
    if (fields == nullptr || trim(*fields).empty()) {
      return crm_error(400, "REQUIRED_PARAM_MISSING", "One of the expected parameter is missing",
                       json::object{{"param_name", "fields"}});
    }
    if (field_list(*fields).size() > 50) {
      return crm_error(400, "LIMIT_EXCEEDED", "Max field limit exceeded",
                       json::object{{"param_name", "fields"}, {"limit", 50}});
    }
    cur.fields = *fields;
    auto p = positive(req.param("page")).value_or(1);
    if (p == 0)
      return invalid_param("page");
    page = p;
    cur.sort_by = req.param("sort_by") ? *req.param("sort_by") : "id";
    cur.sort_order = req.param("sort_order") ? *req.param("sort_order") : "desc";
    if (cur.sort_by != "id" && cur.sort_by != "Created_Time" && cur.sort_by != "Modified_Time") {
      return invalid_param("sort_by");
    }
    if (cur.sort_order != "asc" && cur.sort_order != "desc")
      return invalid_param("sort_order");
    auto ims = modified_since(req);
    if (!ims)
      return crm_error(400, "INVALID_DATA", "invalid data",
                       json::object{{"param_name", "If-Modified-Since"}});
    cur.modified_since = *ims;
    cur.offset = (page - 1) * per_page;
    if (page * per_page > kDiscretePagingLimit) {
      return crm_error(400, "DISCRETE_PAGINATION_LIMIT_EXCEEDED",
                       "Cannot fetch more than 2000 records using page. Use page_token instead.",
                       json::object{{"limit", kDiscretePagingLimit}});
    }
  }

  // ids=a,b,c (at most 100): only those records (the rest of the query still applies).
  std::vector<std::string> only_ids;
  if (const std::string* ids = req.param("ids"); ids != nullptr && token == nullptr) {
    only_ids = field_list(*ids);
    if (only_ids.size() > kMaxWriteRecords) {
      return crm_error(400, "LIMIT_EXCEEDED", "Record count exceeded",
                       json::object{{"param_name", "ids"}, {"limit", kMaxWriteRecords}});
    }
  }
  std::vector<const record*> rows;
  for (const auto& [id, r] : sb.data.crm.contacts) {
    if (!only_ids.empty() && std::find(only_ids.begin(), only_ids.end(), id) == only_ids.end())
      continue;
    if (cur.modified_since == 0 || time_of(r, "Modified_Time") > cur.modified_since) {
      rows.push_back(&r);
    }
  }
  if (rows.empty())
    return empty_response(cur.modified_since != 0 ? 304 : 204);
  bool desc = cur.sort_order == "desc";
  if (cur.sort_by == "id") {
    if (desc)
      std::reverse(rows.begin(), rows.end());  // map order is ascending id
  } else {
    const char* f = cur.sort_by == "Created_Time" ? "Created_Time" : "Modified_Time";
    std::stable_sort(rows.begin(), rows.end(), [&](const record* a, const record* b) {
      auto ta = time_of(*a, f), tb = time_of(*b, f);
      if (ta != tb)
        return desc ? ta > tb : ta < tb;
      return desc ? a->at("id").as_string() > b->at("id").as_string()
                  : a->at("id").as_string() < b->at("id").as_string();
    });
  }
  if (cur.offset >= rows.size())
    return empty_response(204);
  auto fields = field_list(cur.fields);
  json::array data;
  std::size_t end = std::min(rows.size(), cur.offset + per_page);
  for (std::size_t i = cur.offset; i < end; ++i)
    data.push_back(project(*rows[i], fields));
  bool more = end < rows.size();
  json::value next = nullptr;
  json::value expiry = nullptr;
  if (more) {
    crm_cursor next_cur = cur;
    next_cur.offset = end;
    next_cur.expires_at = sb.now() + 86400;  // a page token lives 24 h
    char buf[64];
    std::snprintf(buf, sizeof buf, "sbx%08llx%04llx",
                  static_cast<unsigned long long>(++sb.cursor_serial),
                  static_cast<unsigned long long>(end % 0xffff));
    sb.crm_cursors[buf] = next_cur;
    next = buf;
    expiry = format_time(next_cur.expires_at, time_style::crm);
  }
  json::object info{{"per_page", per_page},
                    {"next_page_token", next},
                    {"count", data.size()},
                    {"sort_by", cur.sort_by},
                    {"page", page},
                    {"previous_page_token", nullptr},
                    {"page_token_expiry", expiry},
                    {"sort_order", cur.sort_order},
                    {"more_records", more}};
  return json_response(200, json::object{{"data", std::move(data)}, {"info", std::move(info)}});
}

response get_one(call_context& ctx, const std::string& id) {
  auto it = ctx.sb.data.crm.contacts.find(id);
  if (it == ctx.sb.data.crm.contacts.end())
    return empty_response(204);
  auto ims = modified_since(ctx.req);
  if (ims && *ims != 0 && time_of(it->second, "Modified_Time") <= *ims)
    return empty_response(304);
  std::vector<std::string> fields;
  if (auto f = ctx.req.param("fields"))
    fields = field_list(*f);
  return json_response(200, json::object{{"data", json::array{project(it->second, fields)}}});
}

// Supports email=, word=, and criteria with one (Field:equals|starts_with:value).
response search(call_context& ctx) {
  const auto& req = ctx.req;
  std::string field, op = "equals", value;
  if (auto e = req.param("email")) {
    field = "Email";
    value = *e;
  } else if (auto c = req.param("criteria")) {
    std::string crit = trim(*c);
    if (crit.size() < 2 || crit.front() != '(' || crit.back() != ')') {
      return crm_error(400, "INVALID_QUERY", "invalid query formed");
    }
    auto parts = split(crit.substr(1, crit.size() - 2), ':');
    if (parts.size() != 3 || (parts[1] != "equals" && parts[1] != "starts_with")) {
      return crm_error(400, "INVALID_QUERY", "invalid query formed");
    }
    field = parts[0];
    op = parts[1];
    value = parts[2];
  } else if (auto w = req.param("word")) {
    value = *w;
    op = "word";
  } else {
    return crm_error(400, "REQUIRED_PARAM_MISSING", "One of the expected parameter is missing",
                     json::object{{"param_name", "criteria"}});
  }
  auto per_page = positive(req.param("per_page")).value_or(kMaxPerPage);
  auto page = positive(req.param("page")).value_or(1);
  if (per_page == 0 || per_page > kMaxPerPage)
    return invalid_param("per_page");
  if (page == 0)
    return invalid_param("page");
  std::string want = to_lower(value);
  std::vector<const record*> hits;
  for (const auto& [id, r] : ctx.sb.data.crm.contacts) {
    bool hit = false;
    if (op == "word") {
      for (const char* f : {"First_Name", "Last_Name", "Email"}) {
        auto v = get_string(r, f);
        hit = hit || (v && to_lower(*v).find(want) != std::string::npos);
      }
    } else {
      auto v = get_string(r, field);
      if (v) {
        std::string have = to_lower(*v);
        hit = op == "equals" ? have == want : have.starts_with(want);
      }
    }
    if (hit)
      hits.push_back(&r);
  }
  std::size_t start = (page - 1) * per_page;
  if (start >= hits.size())
    return empty_response(204);
  std::vector<std::string> fields;
  if (auto f = req.param("fields"))
    fields = field_list(*f);
  json::array data;
  std::size_t end = std::min(hits.size(), start + per_page);
  for (std::size_t i = start; i < end; ++i)
    data.push_back(project(*hits[i], fields));
  json::object info{{"per_page", per_page},
                    {"count", data.size()},
                    {"page", page},
                    {"more_records", end < hits.size()}};
  return json_response(200, json::object{{"data", std::move(data)}, {"info", std::move(info)}});
}

response deleted(call_context& ctx) {
  const auto& req = ctx.req;
  std::string type = req.param("type") ? *req.param("type") : "all";
  if (type != "all" && type != "recycle" && type != "permanent")
    return invalid_param("type");
  auto per_page = positive(req.param("per_page")).value_or(kMaxPerPage);
  auto page = positive(req.param("page")).value_or(1);
  if (per_page == 0 || per_page > kMaxPerPage)
    return invalid_param("per_page");
  if (page == 0)
    return invalid_param("page");
  auto ims = modified_since(req);
  if (!ims)
    return invalid_param("If-Modified-Since");
  std::vector<const record*> rows;
  const auto& all = ctx.sb.data.crm.deleted;
  for (auto it = all.rbegin(); it != all.rend(); ++it) {  // newest first
    if (type != "all" && it->at("type").as_string() != type)
      continue;
    if (*ims != 0 && time_of(*it, "deleted_time") <= *ims)
      continue;
    rows.push_back(&*it);
  }
  if (rows.empty())
    return empty_response(*ims != 0 ? 304 : 204);
  std::size_t start = (page - 1) * per_page;
  if (start >= rows.size())
    return empty_response(204);
  json::array data;
  std::size_t end = std::min(rows.size(), start + per_page);
  for (std::size_t i = start; i < end; ++i)
    data.push_back(*rows[i]);
  json::object info{{"per_page", per_page},
                    {"count", data.size()},
                    {"page", page},
                    {"more_records", end < rows.size()}};
  return json_response(200, json::object{{"data", std::move(data)}, {"info", std::move(info)}});
}

}  // namespace

response handle_records_read(call_context& ctx) {
  const auto& s = ctx.segs;  // crm, v8, Contacts, ...
  if (s.size() == 3)
    return list(ctx);
  if (s[3] == "search")
    return search(ctx);
  if (s[3] == "deleted")
    return deleted(ctx);
  return get_one(ctx, s[3]);
}

}  // namespace crm

response handle_crm(call_context& ctx) {
  const auto& s = ctx.segs;
  const auto& m = ctx.req.method;
  if (s.size() < 3)
    return not_found(product::crm, m);
  if (s[2] == "settings" && s.size() >= 4 && s[3] == "fields")
    return crm::handle_fields(ctx);
  if (s[2] != "Contacts") {
    return crm_error(400, "INVALID_MODULE", "the module name given seems to be invalid");
  }
  if (!scope_allows(ctx.token.scopes, "ZohoCRM.modules.contacts", scope_operation(m),
                    {"ZohoCRM.modules.ALL"})) {
    return scope_error(product::crm, m);
  }
  if (s.size() >= 4 && s[3] == "roles")
    return crm::handle_roles(ctx);
  if (s.size() > 4)
    return not_found(product::crm, m);
  if (m == "GET")
    return crm::handle_records_read(ctx);
  if (m == "POST" || m == "PUT" || m == "DELETE") {
    if (s.size() == 4 && (s[3] == "search" || s[3] == "deleted")) {
      return crm_error(400, "INVALID_REQUEST_METHOD",
                       "The http request method type is not a valid one");
    }
    return crm::handle_records_write(ctx);
  }
  return crm_error(400, "INVALID_REQUEST_METHOD",
                   "The http request method type is not a valid one");
}

}  // namespace zohosync::sandbox
