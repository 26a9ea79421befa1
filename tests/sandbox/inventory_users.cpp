// Zoho Inventory v1 org users: list, get, invite (create), update, delete,
// active/inactive. Inviting answers without the new user's id.
#include "tests/sandbox/inventory_common.hpp"

namespace zohosync::sandbox::inventory {

namespace {

class users_api {
 public:
  explicit users_api(call_context& c) : ctx_(c), d_(c.sb.data.inventory), m_(c.req.method) {}

  response run() {
    const auto& s = ctx_.segs;
    if (s.size() == 3) {
      if (m_ == "GET")
        return list_users();
      if (m_ == "POST")
        return create_user();
      return method_not_allowed();
    }
    std::string id = s[3];
    if (id == "me") {
      for (const auto& [uid, u] : d_.users) {
        if (u.at("is_current_user").as_bool())
          id = uid;
      }
    }
    auto it = d_.users.find(id);
    if (it == d_.users.end())
      return inventory_error(404, 1002, "User does not exist.");
    if (s.size() == 4) {
      if (m_ == "GET")
        return ok("success", {{"user", user_detail(it->second)}});
      if (m_ == "PUT")
        return update_user(it->second);
      if (m_ == "DELETE") {
        d_.users.erase(it);
        return ok("The user has been removed from your organization.");
      }
      return method_not_allowed();
    }
    if (s.size() != 5 || m_ != "POST")
      return not_found(product::inventory, m_);
    if (s[4] == "active") {
      it->second["status"] = "active";
      return ok("The user has been marked as active.");
    }
    if (s[4] == "inactive") {
      it->second["status"] = "inactive";
      return ok("The user has been marked as inactive.");
    }
    if (s[4] == "invite")
      return ok("Your invitation has been sent.");
    return not_found(product::inventory, m_);
  }

 private:
  static json::object user_detail(const record& u) {
    return json::object{
        {"user_id", u.at("user_id")},
        {"name", u.at("name")},
        {"email_ids", json::array{json::object{{"email", u.at("email")}, {"is_selected", true}}}},
        {"status", u.at("status")},
        {"user_role", u.at("user_role")},
        {"user_type", u.at("user_type")},
        {"role_id", u.at("role_id")},
        {"photo_url", u.at("photo_url")},
        {"is_claimant", u.at("is_current_user")},
        {"created_time", u.at("created_time")},
        {"custom_fields", ""}};
  }

  response list_users() {
    std::string filter = "Status.All";
    if (auto f = ctx_.req.param("filter_by"))
      filter = *f;
    std::vector<json::object> rows;
    for (const auto& [id, u] : d_.users) {
      std::string status(u.at("status").as_string());
      if (filter != "Status.All" && !iequals(filter, "Status." + status))
        continue;
      json::object row = u;
      row.erase("created_time");
      rows.push_back(std::move(row));
    }
    if (auto sc = ctx_.req.param("sort_column")) {
      if (*sc != "name" && *sc != "email" && *sc != "user_role" && *sc != "status") {
        return bad_value("sort_column");
      }
      std::stable_sort(rows.begin(), rows.end(), [&](const json::object& a, const json::object& b) {
        return a.at(*sc).as_string() < b.at(*sc).as_string();
      });
    }
    json::array out;
    auto ctx = page_of(rows, read_paging(ctx_.req), out);
    return ok("success", {{"users", std::move(out)}, {"page_context", std::move(ctx)}});
  }

  std::optional<response> check_user_body(const json::object& body, const record* self) {
    auto name = get_string(body, "name");
    if (!name || trim(*name).empty())
      return bad_value("name");
    auto email = get_string(body, "email");
    if (!email || email->find('@') == std::string::npos)
      return bad_value("email");
    if (auto err = check_fields(body, kUserFields))
      return err;
    for (const auto& [id, u] : d_.users) {
      if (&u != self && iequals(trim(u.at("email").as_string()), trim(*email))) {
        return inventory_error(400, 3012, "A user with this email address already exists.");
      }
    }
    return std::nullopt;
  }

  response create_user() {
    auto body = parse_object(ctx_.req.body);
    if (!body)
      return inventory_error(400, 4, "Invalid JSON passed");
    if (auto err = check_user_body(*body, nullptr))
      return *err;
    std::string id = d_.user_ids.make();
    record u;
    u["user_id"] = id;
    u["role_id"] = "982000000006005";
    u["name"] = *get_string(*body, "name");
    u["email"] = *get_string(*body, "email");
    u["user_role"] = string_or(*body, "user_role", "staff");
    u["user_type"] = "zoho";
    u["status"] = "invited";  // inviting sends an e-mail; the user is not active yet
    u["is_current_user"] = false;
    u["photo_url"] = "";
    u["created_time"] = format_time(ctx_.sb.now(), time_style::date);
    apply_quirks(ctx_.sb.opts.product_quirks[static_cast<int>(product::inventory)], u);
    d_.users[id] = std::move(u);
    // The documented answer carries no user object: callers list to find the id.
    return ok("Your invitation has been sent.", {}, 201);
  }

  response update_user(record& u) {
    auto body = parse_object(ctx_.req.body);
    if (!body)
      return inventory_error(400, 4, "Invalid JSON passed");
    if (auto err = check_user_body(*body, &u))
      return *err;
    u["name"] = *get_string(*body, "name");
    u["email"] = *get_string(*body, "email");
    if (auto role = get_string(*body, "user_role"))
      u["user_role"] = *role;
    apply_quirks(ctx_.sb.opts.product_quirks[static_cast<int>(product::inventory)], u);
    return ok("The user information has been updated.");
  }

  call_context& ctx_;
  inventory_data& d_;
  const std::string& m_;
};

}  // namespace

response handle_users(call_context& ctx) {
  return users_api(ctx).run();
}

}  // namespace zohosync::sandbox::inventory
