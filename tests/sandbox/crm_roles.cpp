// Zoho CRM v8 contact roles (/Contacts/roles): the role picklist, names unique
// case-insensitively, at most 50 characters.
#include "tests/sandbox/crm_common.hpp"
#include "tests/sandbox/util.hpp"

#include <algorithm>

namespace zohosync::sandbox::crm {

namespace json = boost::json;

namespace {

constexpr std::size_t kMaxRoleName = 50;

std::string role_path(std::size_t i, const char* field) {
  return "$.contact_roles[" + std::to_string(i) + "]." + field;
}

json::object ok(const std::string& id, const char* message) {
  return json::object{{"code", "SUCCESS"},
                      {"details", json::object{{"id", id}}},
                      {"message", message},
                      {"status", "success"}};
}

class roles_api {
 public:
  explicit roles_api(call_context& c) : ctx_(c), roles_(c.sb.data.crm.roles) {}

  response run() {
    const auto& s = ctx_.segs;  // crm, v8, Contacts, roles[, id]
    const auto& m = ctx_.req.method;
    std::string id = s.size() == 5 ? s[4] : std::string();
    if (s.size() > 5)
      return not_found(product::crm, m);
    if (m == "GET")
      return get(id);
    if (m == "POST" && id.empty())
      return write(true, {});
    if (m == "PUT")
      return write(false, id);
    if (m == "DELETE")
      return remove(id);
    return crm_error(400, "INVALID_REQUEST_METHOD",
                     "The http request method type is not a valid one");
  }

 private:
  response get(const std::string& id) {
    json::array out;
    if (!id.empty()) {
      auto it = roles_.find(id);
      if (it == roles_.end()) {
        return crm_error(400, "INVALID_DATA", "the id given seems to be invalid",
                         json::object{{"id", id}});
      }
      out.push_back(it->second);
    } else {
      std::vector<const record*> all;
      for (const auto& [rid, r] : roles_)
        all.push_back(&r);
      std::stable_sort(all.begin(), all.end(), [](const record* a, const record* b) {
        return a->at("sequence_number").as_int64() < b->at("sequence_number").as_int64();
      });
      for (const auto* r : all)
        out.push_back(*r);
    }
    if (out.empty())
      return empty_response(204);
    return json_response(200, json::object{{"contact_roles", std::move(out)}});
  }

  bool name_taken(const std::string& name, const std::string& self) {
    for (const auto& [id, r] : roles_) {
      if (id != self && iequals(trim(r.at("name").as_string()), trim(name)))
        return true;
    }
    return false;
  }

  std::int64_t next_sequence() {
    std::int64_t max = 0;
    for (const auto& [id, r] : roles_)
      max = std::max(max, r.at("sequence_number").as_int64());
    return max + 1;
  }

  json::object one(bool create, std::size_t i, json::object item) {
    std::string id;
    if (!create) {
      auto given = get_string(item, "id");
      if (!given) {
        return crm_error_object(
            "MANDATORY_NOT_FOUND", "required field not found",
            json::object{{"api_name", "id"}, {"json_path", role_path(i, "id")}});
      }
      id = *given;
      if (!roles_.contains(id)) {
        return crm_error_object("INVALID_DATA", "the id given seems to be invalid",
                                json::object{{"id", id}});
      }
    }
    auto name_it = item.find("name");
    bool has_name = name_it != item.end() && !name_it->value().is_null();
    if (create && (!has_name ||
                   (name_it->value().is_string() && trim(name_it->value().as_string()).empty()))) {
      return crm_error_object(
          "MANDATORY_NOT_FOUND", "required field not found",
          json::object{{"api_name", "name"}, {"json_path", role_path(i, "name")}});
    }
    if (has_name) {
      if (!name_it->value().is_string()) {
        return crm_error_object("INVALID_DATA", "invalid data",
                                json::object{{"expected_data_type", "text"},
                                             {"api_name", "name"},
                                             {"json_path", role_path(i, "name")}});
      }
      std::string name(name_it->value().as_string());
      if (name.size() > kMaxRoleName) {
        return crm_error_object("INVALID_DATA", "invalid data",
                                json::object{{"maximum_length", kMaxRoleName},
                                             {"api_name", "name"},
                                             {"json_path", role_path(i, "name")}});
      }
      if (name_taken(name, id)) {
        return crm_error_object(
            "DUPLICATE_DATA", "duplicate data",
            json::object{{"api_name", "name"}, {"json_path", role_path(i, "name")}});
      }
    }
    auto seq_it = item.find("sequence_number");
    bool has_seq = seq_it != item.end() && !seq_it->value().is_null();
    if (has_seq && (!seq_it->value().is_int64() || seq_it->value().as_int64() < 1)) {
      return crm_error_object("INVALID_DATA", "invalid data",
                              json::object{{"api_name", "sequence_number"},
                                           {"json_path", role_path(i, "sequence_number")}});
    }
    if (create) {
      id = ctx_.sb.data.crm.role_ids.make();
      roles_[id] =
          json::object{{"id", id},
                       {"name", name_it->value()},
                       {"sequence_number", has_seq ? seq_it->value().as_int64() : next_sequence()}};
      return ok(id, "contact role added");
    }
    auto& r = roles_[id];
    if (has_name)
      r["name"] = name_it->value();
    if (has_seq)
      r["sequence_number"] = seq_it->value();
    return ok(id, "contact role updated");
  }

  response write(bool create, const std::string& url_id) {
    auto body = parse_object(ctx_.req.body);
    if (!body)
      return crm_error(400, "INVALID_DATA", "invalid data");
    auto it = body->find("contact_roles");
    if (it == body->end() || !it->value().is_array() || it->value().as_array().empty()) {
      return crm_error(400, "MANDATORY_NOT_FOUND", "required field not found",
                       json::object{{"api_name", "contact_roles"}});
    }
    json::array out;
    std::size_t i = 0;
    for (const auto& v : it->value().as_array()) {
      if (!v.is_object()) {
        out.push_back(crm_error_object("INVALID_DATA", "invalid data", {}));
      } else {
        json::object item = v.as_object();
        if (!url_id.empty())
          item["id"] = url_id;
        out.push_back(one(create, i, std::move(item)));
      }
      ++i;
    }
    return batch_answer("contact_roles", std::move(out), 200);
  }

  response remove(const std::string& url_id) {
    std::vector<std::string> ids;
    if (!url_id.empty()) {
      ids.push_back(url_id);
    } else if (auto p = ctx_.req.param("ids")) {
      for (auto& id : split(*p, ',')) {
        if (!trim(id).empty())
          ids.push_back(trim(id));
      }
    }
    if (ids.empty()) {
      return crm_error(400, "REQUIRED_PARAM_MISSING", "One of the expected parameter is missing",
                       json::object{{"param_name", "ids"}});
    }
    json::array out;
    for (const auto& id : ids) {
      if (roles_.erase(id) == 0) {
        out.push_back(crm_error_object("INVALID_DATA", "the id given seems to be invalid",
                                       json::object{{"id", id}}));
      } else {
        out.push_back(ok(id, "contact role deleted"));
      }
    }
    return batch_answer("contact_roles", std::move(out), 200);
  }

  call_context& ctx_;
  std::map<std::string, record>& roles_;
};

}  // namespace

response handle_roles(call_context& ctx) {
  return roles_api(ctx).run();
}

}  // namespace zohosync::sandbox::crm
