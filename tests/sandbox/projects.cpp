// Zoho Projects v3 client contacts: clients, contacts per client or project
// (index/range, bare JSON array, no more-flag), create with partial
// EXISTING_USER_OR_CONTACT errors, PATCH, DELETE, (dis)association.
#include "tests/sandbox/errors.hpp"
#include "tests/sandbox/router.hpp"
#include "tests/sandbox/util.hpp"

#include <boost/json/array.hpp>

#include <algorithm>
#include <cstdio>

namespace zohosync::sandbox {

namespace json = boost::json;

namespace {

constexpr int kDefaultRange = 100;
constexpr int kMaxRange = 200;         // larger ranges are cut to 200 (UNCONFIRMED for v3)
constexpr std::size_t kMaxName = 100;  // lengths UNCONFIRMED; chosen
constexpr std::size_t kMaxEmail = 100;

std::optional<std::string> id_string(const json::value& v) {
  if (v.is_string())
    return std::string(v.as_string());
  if (v.is_int64() || v.is_uint64())
    return to_json(v);
  return std::nullopt;
}

std::string rate_string(const json::value& v) {
  char buf[32];
  double d = 0;
  if (v.is_number()) {
    d = v.to_number<double>();
  } else if (v.is_string()) {
    try {
      d = std::stod(std::string(v.as_string()));
    } catch (const std::exception&) {
    }
  }
  std::snprintf(buf, sizeof buf, "%.1f", d);
  return buf;
}

bool plausible_email(const std::string& e) {
  auto at = e.find('@');
  return at != std::string::npos && at > 0 && e.find('.', at) != std::string::npos;
}

class projects_api {
 public:
  explicit projects_api(call_context& c) : ctx_(c), d_(c.sb.data.projects), m_(c.req.method) {}

  response run() {
    const auto& s = ctx_.segs;  // api, v3, portal, {portal}, ...
    if (s.size() < 5)
      return not_found(product::projects, m_);
    if (s[3] != ctx_.sb.opts.portal_id) {
      return projects_error(404, m_, "INVALID_PORTAL", "The portal id is not valid.");
    }
    bool clients = s[4] == "clients";
    if (!scope_allows(ctx_.token.scopes, clients ? "ZohoProjects.clients" : "ZohoProjects.users",
                      scope_operation(m_))) {
      return scope_error(product::projects, m_);
    }
    if (clients && s.size() == 5 && m_ == "GET")
      return list_clients();
    if (s[4] == "client" && s.size() == 7 && s[6] == "contacts" && m_ == "GET") {
      return list_contacts(s[5], nullptr);
    }
    if (s[4] == "project" && s.size() >= 7) {
      auto project = d_.projects.find(s[5]);
      if (project == d_.projects.end()) {
        return projects_error(404, m_, "INVALID_PROJECT", "The project id is not valid.");
      }
      if (s.size() == 9 && s[6] == "client" && s[8] == "contacts" && m_ == "GET") {
        return list_contacts(s[7], &s[5]);
      }
      if (s.size() == 7 && s[6] == "contacts" && m_ == "POST")
        return associate(s[5]);
      if (s.size() == 8 && s[6] == "contacts" && m_ == "DELETE")
        return dissociate(s[5], s[7]);
    }
    if (s[4] == "contacts") {
      if (s.size() == 5 && m_ == "POST")
        return create();
      if (s.size() == 6 && m_ == "PATCH")
        return update(s[5]);
      if (s.size() == 6 && m_ == "DELETE")
        return remove(s[5]);
    }
    return not_found(product::projects, m_);
  }

 private:
  response invalid(const std::string& field, const std::string& message) {
    return projects_error(400, m_, "INVALID_INPUT",
                          json::array{json::object{{"message", message}, {"field_name", field}}});
  }

  // Clients: page/per_page with page_info (the v3 shape for this list is UNCONFIRMED).
  response list_clients() {
    int page = 1, per_page = 100;
    try {
      if (auto p = ctx_.req.param("page"))
        page = std::max(1, std::stoi(*p));
      if (auto p = ctx_.req.param("per_page"))
        per_page = std::clamp(std::stoi(*p), 1, kMaxRange);
    } catch (const std::exception&) {
      return invalid("page", "page and per_page must be numbers");
    }
    json::array out;
    std::size_t start = static_cast<std::size_t>(page - 1) * static_cast<std::size_t>(per_page);
    std::size_t i = 0;
    for (const auto& [id, c] : d_.clients) {
      if (i >= start && i < start + static_cast<std::size_t>(per_page))
        out.push_back(c);
      ++i;
    }
    bool more = d_.clients.size() > start + static_cast<std::size_t>(per_page);
    return json_response(200, json::object{{"clients", std::move(out)},
                                           {"page_info", json::object{{"page", page},
                                                                      {"per_page", per_page},
                                                                      {"has_more_page", more}}}});
  }

  static json::object row(const record& c) {
    json::object r = c;
    r.erase("projects");  // the documented list rows carry no project ids
    return r;
  }

  response list_contacts(const std::string& client_id, const std::string* project_id) {
    if (!d_.clients.contains(client_id)) {
      return projects_error(404, m_, "INVALID_CLIENT", "The client id is not valid.");
    }
    int index = 1, range = kDefaultRange;
    try {
      if (auto p = ctx_.req.param("index"))
        index = std::max(1, std::stoi(*p));
      if (auto p = ctx_.req.param("range"))
        range = std::clamp(std::stoi(*p), 1, kMaxRange);
    } catch (const std::exception&) {
      return invalid("index", "index and range must be numbers");
    }
    std::string search;
    if (auto p = ctx_.req.param("search_string"))
      search = to_lower(*p);
    std::vector<const record*> rows;
    for (const auto& id : d_.contacts_by_client.ids(d_.contacts, ctx_.sb.data.version, client_id)) {
      const record& c = d_.contacts.at(id);
      if (project_id) {
        const auto& ps = c.at("projects").as_array();
        if (std::find(ps.begin(), ps.end(), json::value(*project_id)) == ps.end())
          continue;
      }
      if (!search.empty()) {
        std::string hay = to_lower(string_or(c, "displayName") + " " + string_or(c, "email"));
        if (hay.find(search) == std::string::npos)
          continue;
      }
      rows.push_back(&c);
    }
    json::array out;
    for (std::size_t i = static_cast<std::size_t>(index - 1);
         i < rows.size() && out.size() < static_cast<std::size_t>(range); ++i) {
      out.push_back(row(*rows[i]));
    }
    return json_response(200, out);
  }

  // The portal's contact (or user) holding `email`, case-insensitively.
  const record* email_owner(const std::string& email, const std::string& self) {
    std::string want = to_lower(trim(email));
    for (const auto& id : d_.contacts_by_email.ids(d_.contacts, ctx_.sb.data.version, want)) {
      if (id != self)
        return &d_.contacts.at(id);
    }
    return nullptr;
  }

  std::optional<response> check_text(const json::object& o, const char* field, std::size_t max,
                                     bool required) {
    auto it = o.find(field);
    if (it == o.end() || it->value().is_null()) {
      if (required)
        return invalid(field, std::string(field) + " is mandatory");
      return std::nullopt;
    }
    if (!it->value().is_string())
      return invalid(field, std::string(field) + " must be a string");
    const auto& v = it->value().as_string();
    if (required && trim(v).empty())
      return invalid(field, std::string(field) + " is mandatory");
    if (v.size() > max) {
      return invalid(field, std::string(field) + " exceeds " + std::to_string(max) + " characters");
    }
    if (std::string(field) == "email" && !plausible_email(std::string(v))) {
      return invalid(field, "email is not valid");
    }
    return std::nullopt;
  }

  void normalise(record& c) {
    apply_quirks(ctx_.sb.opts.product_quirks[static_cast<int>(product::projects)], c);
    c["displayName"] = trim(string_or(c, "first_name") + " " + string_or(c, "last_name"));
  }

  response create() {
    auto body = parse_object(ctx_.req.body);
    if (!body)
      return invalid("body", "JSON body expected");
    auto cid_it = body->find("clientId");
    auto client_id = cid_it == body->end() ? std::nullopt : id_string(cid_it->value());
    if (!client_id || !d_.clients.contains(*client_id)) {
      return invalid("clientId", "clientId is not valid");
    }
    json::array projects;
    if (auto w = body->find("workprojects"); w != body->end() && w->value().is_array()) {
      for (const auto& p : w->value().as_array()) {
        auto pid = id_string(p);
        if (!pid || !d_.projects.contains(*pid))
          return invalid("workprojects", "project not found");
        projects.push_back(json::value(*pid));
      }
    }
    auto cs = body->find("contacts");
    if (cs == body->end() || !cs->value().is_array() || cs->value().as_array().empty()) {
      return invalid("contacts", "contacts is mandatory");
    }
    for (const auto& c : cs->value().as_array()) {
      if (!c.is_object())
        return invalid("contacts", "contacts must hold objects");
      for (const char* f : {"first_name", "last_name"}) {
        if (auto err = check_text(c.as_object(), f, kMaxName, true))
          return *err;
      }
      if (auto err = check_text(c.as_object(), "email", kMaxEmail, true))
        return *err;
    }
    json::array created, existing;
    for (const auto& v : cs->value().as_array()) {
      const auto& c = v.as_object();
      std::string email(c.at("email").as_string());
      if (email_owner(email, {}) != nullptr) {
        existing.push_back(
            json::object{{"message", "Contact is already a part of this organization"},
                         {"field_name", "emailId"},
                         {"field_value", email}});
        continue;
      }
      std::string id = d_.contact_ids.make();
      record r;
      r["id"] = id;
      r["email"] = email;
      r["first_name"] = c.at("first_name");
      r["last_name"] = c.at("last_name");
      auto rate = c.find("invoice_rate");
      r["invoice_rate"] = rate_string(rate == c.end() ? json::value(0) : rate->value());
      r["clientId"] = *client_id;
      r["crm_contactId"] = "-1";
      r["displayName"] = "";
      r["projects"] = projects;
      normalise(r);
      created.push_back(row(r));
      d_.contacts[id] = std::move(r);
      d_.contacts_by_client.add(*client_id, id);
      d_.contacts_by_email.add(d_.contacts_by_email.key_of(d_.contacts.at(id)), id);
    }
    if (created.empty()) {
      return projects_error(400, m_, "EXISTING_USER_OR_CONTACT", std::move(existing));
    }
    json::object out{{"contacts", std::move(created)}};
    if (!existing.empty()) {
      // Partial success is reported inside the 201, as Zoho does.
      out["error"] = json::object{{"status_code", "207"},
                                  {"method", m_},
                                  {"title", "EXISTING_USER_OR_CONTACT"},
                                  {"details", std::move(existing)}};
    }
    return json_response(201, out);
  }

  response contact_missing() {
    return projects_error(404, m_, "RESOURCE_NOT_FOUND", "The contact id is not valid.");
  }

  response update(const std::string& id) {
    auto it = d_.contacts.find(id);
    if (it == d_.contacts.end())
      return contact_missing();
    auto body = parse_object(ctx_.req.body);
    if (!body)
      return invalid("body", "JSON body expected");
    for (const char* f : {"first_name", "last_name"}) {
      if (auto err = check_text(*body, f, kMaxName, false))
        return *err;
    }
    if (auto err = check_text(*body, "email", kMaxEmail, false))
      return *err;
    if (auto e = get_string(*body, "email"); e && email_owner(*e, id)) {
      return projects_error(
          400, m_, "EXISTING_USER_OR_CONTACT",
          json::array{json::object{{"message", "Contact is already a part of this organization"},
                                   {"field_name", "emailId"},
                                   {"field_value", *e}}});
    }
    record& c = it->second;
    std::string email_before = d_.contacts_by_email.key_of(c);
    for (const char* f : {"email", "first_name", "last_name"}) {
      if (auto v = get_string(*body, f))
        c[f] = *v;
    }
    d_.contacts_by_email.moved(email_before, c, id);  // before a refusal below returns
    email_before = d_.contacts_by_email.key_of(c);
    if (auto r = body->find("invoice_rate"); r != body->end())
      c["invoice_rate"] = rate_string(r->value());
    if (auto p = body->find("projects"); p != body->end() && p->value().is_array()) {
      json::array projects;
      for (const auto& v : p->value().as_array()) {
        auto pid = id_string(v);
        if (!pid || !d_.projects.contains(*pid))
          return invalid("projects", "project not found");
        projects.push_back(json::value(*pid));
      }
      c["projects"] = std::move(projects);
    }
    normalise(c);
    d_.contacts_by_email.moved(email_before, c, id);
    // Documented key order: projects before displayName.
    json::object out = row(c);
    out.erase("displayName");
    out["projects"] = c.at("projects");
    out["displayName"] = c.at("displayName");
    return json_response(200, out);
  }

  response remove(const std::string& id) {
    auto it = d_.contacts.find(id);
    if (it == d_.contacts.end())
      return contact_missing();
    d_.contacts_by_client.remove(std::string(it->second.at("clientId").as_string()), id);
    d_.contacts_by_email.remove(d_.contacts_by_email.key_of(it->second), id);
    d_.contacts.erase(it);
    return empty_response(204);
  }

  response associate(const std::string& project_id) {
    auto body = parse_object(ctx_.req.body);
    if (!body)
      return invalid("contactIds", "JSON body expected");
    auto ids = body->find("contactIds");
    if (ids == body->end() || !ids->value().is_array()) {
      return invalid("contactIds", "contactIds is mandatory");
    }
    std::vector<record*> targets;
    for (const auto& v : ids->value().as_array()) {
      auto id = id_string(v);
      auto it = id ? d_.contacts.find(*id) : d_.contacts.end();
      if (it == d_.contacts.end())
        return invalid("contactIds", "contact not found");
      targets.push_back(&it->second);
    }
    for (record* c : targets) {
      auto& ps = c->at("projects").as_array();
      if (std::find(ps.begin(), ps.end(), json::value(project_id)) == ps.end()) {
        ps.push_back(json::value(project_id));
      }
    }
    return empty_response(204);
  }

  response dissociate(const std::string& project_id, const std::string& contact_id) {
    auto it = d_.contacts.find(contact_id);
    if (it == d_.contacts.end())
      return contact_missing();
    auto& ps = it->second.at("projects").as_array();
    auto pos = std::find(ps.begin(), ps.end(), json::value(project_id));
    if (pos != ps.end())
      ps.erase(pos);
    return empty_response(204);
  }

  call_context& ctx_;
  projects_data& d_;
  const std::string& m_;
};

}  // namespace

response handle_projects(call_context& ctx) {
  return projects_api(ctx).run();
}

}  // namespace zohosync::sandbox
