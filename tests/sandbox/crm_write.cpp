// Zoho CRM v8 Contacts writes: insert, update, upsert (duplicate check on
// Email) and delete, up to 100 records per call, each record answered with its
// own code; 207 when some succeeded and some did not.
#include "tests/sandbox/crm_common.hpp"
#include "tests/sandbox/util.hpp"

#include <optional>

namespace zohosync::sandbox::crm {

namespace json = boost::json;

namespace {

enum class write_kind { insert, update, upsert };

json::object record_error(const std::string& code, const std::string& message,
                          json::object details) {
  return crm_error_object(code, message, std::move(details));
}

std::string path_of(std::size_t i, const char* field) {
  return "$.data[" + std::to_string(i) + "]." + field;
}

bool plausible_email(const std::string& e) {
  auto at = e.find('@');
  return at != std::string::npos && at > 0 && e.find('.', at) != std::string::npos &&
         e.back() != '.' && e.find(' ') == std::string::npos;
}

class writer {
 public:
  explicit writer(call_context& c) : ctx_(c), d_(c.sb.data.crm) {}

  response write(write_kind kind, const std::string& url_id) {
    auto body = parse_object(ctx_.req.body);
    if (!body)
      return crm_error(400, "INVALID_DATA", "invalid data");
    auto it = body->find("data");
    if (it == body->end() || !it->value().is_array() || it->value().as_array().empty()) {
      return crm_error(400, "MANDATORY_NOT_FOUND", "required field not found",
                       json::object{{"api_name", "data"}});
    }
    const auto& items = it->value().as_array();
    if (items.size() > kMaxWriteRecords) {
      return crm_error(400, "LIMIT_EXCEEDED", "Record count exceeded",
                       json::object{{"limit", kMaxWriteRecords}});
    }
    if (!url_id.empty() && items.size() != 1) {
      return crm_error(400, "LIMIT_EXCEEDED", "Record count exceeded", json::object{{"limit", 1}});
    }
    std::vector<std::string> dup_fields = {"Email"};
    if (auto df = body->find("duplicate_check_fields");
        df != body->end() && df->value().is_array()) {
      dup_fields.clear();
      for (const auto& f : df->value().as_array()) {
        if (f.is_string())
          dup_fields.emplace_back(f.as_string());
      }
    }
    json::array out;
    for (std::size_t i = 0; i < items.size(); ++i) {
      if (!items[i].is_object()) {
        out.push_back(
            record_error("INVALID_DATA", "invalid data",
                         json::object{{"json_path", "$.data[" + std::to_string(i) + "]"}}));
        continue;
      }
      json::object item = items[i].as_object();
      if (!url_id.empty())
        item["id"] = url_id;
      out.push_back(one(kind, i, item, dup_fields));
    }
    return batch_answer("data", std::move(out), kind == write_kind::insert ? 201 : 200);
  }

  response remove(const std::string& url_id) {
    std::vector<std::string> ids;
    if (!url_id.empty()) {
      ids.push_back(url_id);
    } else {
      auto p = ctx_.req.param("ids");
      if (p == nullptr || trim(*p).empty()) {
        return crm_error(400, "REQUIRED_PARAM_MISSING", "One of the expected parameter is missing",
                         json::object{{"param_name", "ids"}});
      }
      for (auto& id : split(*p, ',')) {
        if (!trim(id).empty())
          ids.push_back(trim(id));
      }
      if (ids.size() > kMaxWriteRecords) {
        return crm_error(400, "LIMIT_EXCEEDED", "Record count exceeded",
                         json::object{{"limit", kMaxWriteRecords}});
      }
    }
    json::array out;
    std::string now = format_time(ctx_.sb.now(), time_style::crm);
    for (const auto& id : ids) {
      auto it = d_.contacts.find(id);
      if (it == d_.contacts.end()) {
        out.push_back(record_error("INVALID_DATA", "the id given seems to be invalid",
                                   json::object{{"id", id}}));
        continue;
      }
      std::string name =
          string_or(it->second, "First_Name") + " " + string_or(it->second, "Last_Name");
      d_.deleted.push_back(json::object{{"deleted_by", user_ref()},
                                        {"id", id},
                                        {"display_name", trim(name)},
                                        {"type", "recycle"},
                                        {"created_by", user_ref()},
                                        {"deleted_time", now}});
      d_.contacts_by_email.remove(d_.contacts_by_email.key_of(it->second), id);
      d_.contacts.erase(it);
      out.push_back(json::object{{"code", "SUCCESS"},
                                 {"details", json::object{{"id", id}}},
                                 {"message", "record deleted"},
                                 {"status", "success"}});
    }
    return batch_answer("data", std::move(out), 200);
  }

 private:
  // Checks the writable fields of one item; nullopt when they are fine.
  std::optional<json::object> validate(std::size_t i, const json::object& item, bool creating) {
    for (const auto& f : kFields) {
      auto it = item.find(f.name);
      if (it == item.end() || it->value().is_null())
        continue;
      if (!it->value().is_string()) {
        return record_error("INVALID_DATA", "invalid data",
                            json::object{{"expected_data_type", "text"},
                                         {"api_name", f.name},
                                         {"json_path", path_of(i, f.name)}});
      }
      const auto& v = it->value().as_string();
      if (v.size() > f.max) {
        return record_error("INVALID_DATA", "invalid data",
                            json::object{{"maximum_length", f.max},
                                         {"api_name", f.name},
                                         {"json_path", path_of(i, f.name)}});
      }
      std::string name = f.name;
      if ((name == "Email" || name == "Secondary_Email") && !v.empty() &&
          !plausible_email(std::string(v))) {
        return record_error("INVALID_DATA", "invalid data",
                            json::object{{"api_name", f.name}, {"json_path", path_of(i, f.name)}});
      }
    }
    auto last = item.find("Last_Name");
    bool last_missing = last == item.end()
                            ? creating
                            : last->value().is_null() || (last->value().is_string() &&
                                                          trim(last->value().as_string()).empty());
    if (last_missing) {
      return record_error(
          "MANDATORY_NOT_FOUND", "required field not found",
          json::object{{"api_name", "Last_Name"}, {"json_path", path_of(i, "Last_Name")}});
    }
    return std::nullopt;
  }

  // The first record other than `self` whose Email matches, case-insensitively.
  const record* email_owner(const std::string& email, const std::string& self) {
    std::string want = to_lower(trim(email));
    if (want.empty())
      return nullptr;
    for (const auto& id : d_.contacts_by_email.ids(d_.contacts, ctx_.sb.data.version, want)) {
      if (id != self)
        return &d_.contacts.at(id);
    }
    return nullptr;
  }

  json::object duplicate(std::size_t i, const record& other) {
    return record_error(
        "DUPLICATE_DATA", "duplicate data",
        json::object{{"api_name", "Email"},
                     {"json_path", path_of(i, "Email")},
                     {"duplicate_record",
                      json::object{{"Owner", user_ref()},
                                   {"module", json::object{{"api_name", "Contacts"},
                                                           {"id", "4150868000000002179"}}},
                                   {"id", other.at("id")}}}});
  }

  void apply(record& r, const json::object& item) {
    for (const auto& f : kFields) {
      auto it = item.find(f.name);
      if (it != item.end())
        r[f.name] = it->value();
    }
    apply_quirks(ctx_.sb.opts.product_quirks[static_cast<int>(product::crm)], r);
  }

  json::object success(const record& r, const char* message) {
    return json::object{{"code", "SUCCESS"},
                        {"details", json::object{{"Modified_Time", r.at("Modified_Time")},
                                                 {"Modified_By", user_ref()},
                                                 {"Created_Time", r.at("Created_Time")},
                                                 {"id", r.at("id")},
                                                 {"Created_By", user_ref()}}},
                        {"message", message},
                        {"status", "success"}};
  }

  json::object insert(std::size_t i, const json::object& item) {
    if (auto err = validate(i, item, true))
      return *err;
    if (auto e = get_string(item, "Email")) {
      if (const record* other = email_owner(*e, {}))
        return duplicate(i, *other);
    }
    std::string now = format_time(ctx_.sb.now(), time_style::crm);
    std::string id = d_.ids.make();
    record r;
    r["id"] = id;
    for (const auto& f : kFields)
      r[f.name] = nullptr;
    r["Created_Time"] = now;
    r["Modified_Time"] = now;
    apply(r, item);
    auto& stored = d_.contacts[id] = std::move(r);
    d_.contacts_by_email.add(d_.contacts_by_email.key_of(stored), id);
    return success(stored, "record added");
  }

  json::object update(std::size_t i, const std::string& id, const json::object& item) {
    auto it = d_.contacts.find(id);
    if (it == d_.contacts.end()) {
      return record_error("INVALID_DATA", "the id given seems to be invalid",
                          json::object{{"id", id}, {"json_path", path_of(i, "id")}});
    }
    if (auto err = validate(i, item, false))
      return *err;
    if (auto e = get_string(item, "Email")) {
      if (const record* other = email_owner(*e, id))
        return duplicate(i, *other);
    }
    const std::string email_before = d_.contacts_by_email.key_of(it->second);
    apply(it->second, item);
    d_.contacts_by_email.moved(email_before, it->second, id);
    it->second["Modified_Time"] = format_time(ctx_.sb.now(), time_style::crm);
    return success(it->second, "record updated");
  }

  json::object one(write_kind kind, std::size_t i, const json::object& item,
                   const std::vector<std::string>& dup_fields) {
    switch (kind) {
      case write_kind::insert:
        return insert(i, item);
      case write_kind::update: {
        auto id = get_string(item, "id");
        if (!id) {
          return record_error("MANDATORY_NOT_FOUND", "required field not found",
                              json::object{{"api_name", "id"}, {"json_path", path_of(i, "id")}});
        }
        return update(i, *id, item);
      }
      case write_kind::upsert: {
        const record* match = nullptr;
        if (auto id = get_string(item, "id")) {
          auto it = d_.contacts.find(*id);
          if (it != d_.contacts.end())
            match = &it->second;
        }
        std::string dup_field;
        for (const auto& f : dup_fields) {
          if (match)
            break;
          if (f != "Email")
            continue;  // the sandbox only knows the Email duplicate check
          if (auto e = get_string(item, "Email")) {
            match = email_owner(*e, {});
            dup_field = "Email";
          }
        }
        json::object res =
            match ? update(i, std::string(match->at("id").as_string()), item) : insert(i, item);
        if (res.at("status").as_string() == "success") {
          res["action"] = match ? "update" : "insert";
          res["duplicate_field"] =
              dup_field.empty() ? json::value(nullptr) : json::value(dup_field);
          res["message"] = match ? "record updated" : "record added";
        }
        return res;
      }
    }
    return {};
  }

  call_context& ctx_;
  crm_data& d_;
};

}  // namespace

response handle_records_write(call_context& ctx) {
  const auto& s = ctx.segs;  // crm, v8, Contacts[, id | upsert]
  const auto& m = ctx.req.method;
  writer w(ctx);
  std::string id = s.size() == 4 ? s[3] : std::string();
  if (m == "DELETE")
    return w.remove(id);
  if (m == "POST" && id == "upsert")
    return w.write(write_kind::upsert, {});
  if (m == "POST" && id.empty())
    return w.write(write_kind::insert, {});
  if (m == "PUT")
    return w.write(write_kind::update, id);
  return crm_error(400, "INVALID_REQUEST_METHOD",
                   "The http request method type is not a valid one");
}

}  // namespace zohosync::sandbox::crm
