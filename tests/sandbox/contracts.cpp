// Zoho Contracts v1 counterparties and counterparty contacts. The contact is
// addressed by its email in the URL, so changing emailId moves the record.
#include "tests/sandbox/errors.hpp"
#include "tests/sandbox/router.hpp"
#include "tests/sandbox/util.hpp"

#include <boost/json/array.hpp>

namespace zohosync::sandbox {

namespace json = boost::json;

namespace {

// Field lengths are UNCONFIRMED for Contracts; these are the chosen limits.
struct field_limit {
  const char* name;
  std::size_t max;
};
constexpr field_limit kFields[] = {
    {"displayName", 100}, {"emailId", 100}, {"jobTitle", 100}, {"phoneNumber", 30}};

class contracts_api {
 public:
  explicit contracts_api(call_context& c) : ctx_(c), d_(c.sb.data.contracts), m_(c.req.method) {}

  response run() {
    const auto& s = ctx_.segs;  // api, v1, counterparties, ...
    if (s.size() < 3 || s[2] != "counterparties")
      return not_found(product::contracts, m_);
    // The seed's sample sends "-X UPDATE" for an update; no such HTTP method
    // exists in the wild, so PUT is served, and the literal UPDATE too since
    // Beast hands any token through and a client copying the seed would send it.
    bool update_method = m_ == "PUT" || m_ == "UPDATE";
    if (!scope_allows(ctx_.token.scopes, "contracts.contracts",
                      update_method ? "UPDATE" : scope_operation(m_))) {
      return scope_error(product::contracts, m_);
    }
    if (s.size() == 3)
      return m_ == "GET" ? list_counterparties() : bad_method();
    auto cp = d_.counterparties.find(s[3]);
    if (cp == d_.counterparties.end()) {
      return contracts_error(404, "INVALID_URL_PATTERN", "Request URL is incorrect");
    }
    if (s.size() < 5 || s[4] != "counterpartyusers")
      return not_found(product::contracts, m_);
    if (s.size() == 5) {
      if (m_ == "GET")
        return list_users(s[3]);
      if (m_ == "POST")
        return create(cp->second);
      return bad_method();
    }
    if (s.size() != 6)
      return not_found(product::contracts, m_);
    if (update_method)
      return update(s[3], s[5]);
    if (m_ == "DELETE")
      return remove(s[3], s[5]);
    return bad_method();
  }

 private:
  response bad_method() {
    return contracts_error(400, "INVALID_REQUEST_METHOD",
                           "The HTTP request method is not a valid one.");
  }

  response list_counterparties() {
    json::array out;
    for (const auto& [api, cp] : d_.counterparties)
      out.push_back(cp);
    return json_response(200, json::object{{"counterparties", std::move(out)}});
  }

  // Without ?status=all only active contacts are listed (the documented call
  // passes status=all, which suggests the default filters).
  response list_users(const std::string& org) {
    std::string status = "active";
    if (auto p = ctx_.req.param("status"))
      status = *p;
    json::array out;
    for (const auto& id : d_.users_by_counterparty.ids(d_.users, ctx_.sb.data.version, org)) {
      const record& u = d_.users.at(id);
      if (status != "all" && u.at("status").as_string() != status)
        continue;
      out.push_back(u);
    }
    return json_response(200, json::object{{"counterpartyusers", std::move(out)}});
  }

  record* find(const std::string& org, const std::string& email) {
    const std::string want = field_index::fold(email);
    for (const auto& id : d_.users_by_email.ids(d_.users, ctx_.sb.data.version, want)) {
      record& u = d_.users.at(id);
      if (u.at("organizationApiName").as_string() == org)
        return &u;
    }
    return nullptr;
  }

  std::optional<response> check(const json::object& body, bool creating) {
    for (const auto& f : kFields) {
      auto it = body.find(f.name);
      bool required =
          creating && (std::string(f.name) == "displayName" || std::string(f.name) == "emailId");
      if (it == body.end() || it->value().is_null()) {
        if (required) {
          return contracts_error(400, "MANDATORY_NOT_FOUND",
                                 std::string("required field not found: ") + f.name);
        }
        continue;
      }
      if (!it->value().is_string() || it->value().as_string().size() > f.max ||
          (required && trim(it->value().as_string()).empty())) {
        return contracts_error(400, "INVALID_DATA", std::string("invalid data: ") + f.name);
      }
    }
    if (auto e = get_string(body, "emailId"); e && e->find('@') == std::string::npos) {
      return contracts_error(400, "INVALID_DATA", "invalid data: emailId");
    }
    return std::nullopt;
  }

  void apply(record& u, const json::object& body) {
    for (const auto& f : kFields) {
      if (auto v = get_string(body, f.name))
        u[f.name] = *v;
    }
    apply_quirks(ctx_.sb.opts.product_quirks[static_cast<int>(product::contracts)], u);
    u["name"] = u.at("displayName");
    u["modifiedBy"] = "Sandbox API";
    u["modifiedTime"] = format_time(ctx_.sb.now(), time_style::crm);
  }

  response duplicate() {
    return contracts_error(409, "DUPLICATE_DATA",
                           "A counterparty contact with this email address already exists.");
  }

  response create(const record& cp) {
    auto body = parse_object(ctx_.req.body);
    if (!body)
      return contracts_error(400, "INVALID_DATA", "invalid JSON body");
    if (auto err = check(*body, true))
      return *err;
    std::string org(cp.at("organizationApiName").as_string());
    if (find(org, *get_string(*body, "emailId")))
      return duplicate();
    std::string id = d_.user_ids.make();
    std::string now = format_time(ctx_.sb.now(), time_style::crm);
    record u{{"id", id},
             {"name", ""},
             {"displayName", ""},
             {"emailId", ""},
             {"jobTitle", ""},
             {"phoneNumber", ""},
             {"status", "active"},
             {"addedBy", "Sandbox API"},
             {"addedTime", now},
             {"modifiedBy", ""},
             {"modifiedTime", now},
             {"organizationApiName", org}};
    apply(u, *body);
    auto& stored = d_.users[id] = std::move(u);
    d_.users_by_counterparty.add(org, id);
    d_.users_by_email.add(d_.users_by_email.key_of(stored), id);
    json::object answer{
        {"id", id},
        {"displayName", stored.at("displayName")},
        {"emailId", stored.at("emailId")},
        {"jobTitle", stored.at("jobTitle")},
        {"phoneNumber", stored.at("phoneNumber")},
        {"status", stored.at("status")},
        {"counterParty",
         json::object{{"id", cp.at("id")}, {"name", cp.at("name")}, {"organizationApiName", org}}}};
    return json_response(201, json::object{{"counterpartyusers", json::array{answer}}});
  }

  response update(const std::string& org, const std::string& email) {
    record* u = find(org, email);
    if (u == nullptr)
      return contracts_error(404, "INVALID_URL_PATTERN", "Request URL is incorrect");
    auto body = parse_object(ctx_.req.body);
    if (!body)
      return contracts_error(400, "INVALID_DATA", "invalid JSON body");
    if (auto err = check(*body, false))
      return *err;
    if (auto e = get_string(*body, "emailId")) {
      record* other = find(org, *e);
      if (other != nullptr && other != u)
        return duplicate();
    }
    const std::string email_before = d_.users_by_email.key_of(*u);
    apply(*u, *body);
    d_.users_by_email.moved(email_before, *u, std::string(u->at("id").as_string()));
    return json_response(200, json::object{{"Type", "success"}, {"emailId", u->at("emailId")}});
  }

  response remove(const std::string& org, const std::string& email) {
    record* u = find(org, email);
    if (u == nullptr)
      return contracts_error(404, "INVALID_URL_PATTERN", "Request URL is incorrect");
    std::string gone(u->at("emailId").as_string());
    const std::string id(u->at("id").as_string());
    d_.users_by_email.remove(d_.users_by_email.key_of(*u), id);
    d_.users.erase(id);
    d_.users_by_counterparty.remove(org, id);
    return json_response(200, json::object{{"Type", "success"}, {"emailId", gone}});
  }

  call_context& ctx_;
  contracts_data& d_;
  const std::string& m_;
};

}  // namespace

response handle_contracts(call_context& ctx) {
  return contracts_api(ctx).run();
}

}  // namespace zohosync::sandbox
