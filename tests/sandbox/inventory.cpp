// Zoho Inventory v1: contacts (read) and contact persons; users live in
// inventory_users.cpp. Envelope {"code":0,"message":...}; errors are a
// non-zero code.
#include "tests/sandbox/inventory_common.hpp"
#include "tests/sandbox/router.hpp"

#include <unordered_map>

namespace zohosync::sandbox {

namespace {

using namespace inventory;

class inventory_api {
 public:
  explicit inventory_api(call_context& c) : ctx_(c), d_(c.sb.data.inventory), m_(c.req.method) {}

  response run() {
    const auto& s = ctx_.segs;  // inventory, v1, ...
    auto org = ctx_.req.param("organization_id");
    if (org == nullptr || org->empty())
      return bad_value("organization_id");
    if (*org != ctx_.sb.opts.organization_id) {
      return inventory_error(401, 57, "You are not authorized to perform this operation");
    }
    if (s.size() < 3)
      return not_found(product::inventory, m_);
    if (s[2] == "users") {
      if (!scope_allows(ctx_.token.scopes, "ZohoInventory.settings", scope_operation(m_),
                        {"ZohoInventory.fullaccess.all"})) {
        return scope_error(product::inventory, m_);
      }
      return handle_users(ctx_);
    }
    if (s[2] != "contacts")
      return not_found(product::inventory, m_);
    if (!scope_allows(ctx_.token.scopes, "ZohoInventory.contacts", scope_operation(m_),
                      {"ZohoInventory.fullaccess.all"})) {
      return scope_error(product::inventory, m_);
    }
    if (s.size() == 3)
      return m_ == "GET" ? list_contacts() : method_not_allowed();
    if (s[3] == "contactpersons") {
      if (s.size() == 4)
        return m_ == "POST" ? create_person() : method_not_allowed();
      if (s.size() == 5) {
        if (m_ == "PUT")
          return update_person(s[4]);
        if (m_ == "DELETE")
          return delete_person(s[4]);
        return method_not_allowed();
      }
      if (s.size() == 6 && s[5] == "primary") {
        return m_ == "POST" ? mark_primary(s[4]) : method_not_allowed();
      }
      return not_found(product::inventory, m_);
    }
    if (s.size() == 4)
      return m_ == "GET" ? get_contact(s[3]) : method_not_allowed();
    if (s[4] != "contactpersons" || s.size() > 6)
      return not_found(product::inventory, m_);
    if (m_ != "GET")
      return method_not_allowed();
    return s.size() == 5 ? list_persons(s[3]) : get_person(s[3], s[5]);
  }

 private:
  response contact_missing() { return inventory_error(404, 1002, "Contact does not exist."); }
  response person_missing() { return inventory_error(404, 1002, "Contact person does not exist."); }

  std::vector<const record*> persons_of(const std::string& contact_id) {
    std::vector<const record*> out;
    for (const auto& id : d_.persons_by_contact.ids(d_.persons, ctx_.sb.data.version, contact_id))
      out.push_back(&d_.persons.at(id));
    return out;
  }

  void touch_contact(const std::string& contact_id) {
    auto it = d_.contacts.find(contact_id);
    if (it != d_.contacts.end()) {
      it->second["last_modified_time"] = format_time(ctx_.sb.now(), time_style::books);
    }
  }

  json::object contact_row(const record& c, const record* primary) {
    json::object row = c;
    for (const char* k : {"first_name", "last_name", "email", "phone", "mobile"}) {
      row[k] = primary ? primary->at(k) : json::value("");
    }
    // Keep the documented key order: timestamps last.
    auto created = row["created_time"];
    auto modified = row["last_modified_time"];
    row.erase("created_time");
    row.erase("last_modified_time");
    row["created_time"] = created;
    row["last_modified_time"] = modified;
    return row;
  }

  // The documented text filters: field, field_startswith, field_contains
  // (case-insensitive), and search_text over name and email.
  bool matches_filters(const json::object& row) {
    for (const char* field :
         {"contact_name", "company_name", "first_name", "last_name", "email", "phone"}) {
      std::string have = to_lower(string_or(row, field));
      std::string f = field;
      if (auto v = ctx_.req.param(f); v && have != to_lower(*v))
        return false;
      if (auto v = ctx_.req.param(f + "_startswith"); v && !have.starts_with(to_lower(*v))) {
        return false;
      }
      if (auto v = ctx_.req.param(f + "_contains");
          v && have.find(to_lower(*v)) == std::string::npos) {
        return false;
      }
    }
    if (auto v = ctx_.req.param("search_text")) {
      std::string hay = to_lower(string_or(row, "contact_name") + " " + string_or(row, "email"));
      if (hay.find(to_lower(*v)) == std::string::npos)
        return false;
    }
    return true;
  }

  response list_contacts() {
    std::unordered_map<std::string, const record*> primary;
    for (const auto& [id, p] : d_.persons) {
      if (p.at("is_primary_contact").as_bool())
        primary[std::string(p.at("contact_id").as_string())] = &p;
    }
    std::string filter = "Status.All";
    if (auto f = ctx_.req.param("filter_by"))
      filter = *f;
    std::vector<json::object> rows;
    for (const auto& [id, c] : d_.contacts) {
      std::string status(c.at("status").as_string());
      if ((filter == "Status.Active" && status != "active") ||
          (filter == "Status.Inactive" && status != "inactive")) {
        continue;
      }
      auto it = primary.find(id);
      auto row = contact_row(c, it == primary.end() ? nullptr : it->second);
      if (!matches_filters(row))
        continue;
      rows.push_back(std::move(row));
    }
    std::string column = "contact_name";
    if (auto sc = ctx_.req.param("sort_column")) {
      static const char* kAllowed[] = {"contact_name", "first_name",   "last_name",
                                       "email",        "created_time", "last_modified_time"};
      if (std::find_if(std::begin(kAllowed), std::end(kAllowed),
                       [&](const char* a) { return *sc == a; }) == std::end(kAllowed)) {
        return bad_value("sort_column");
      }
      column = *sc;
    }
    bool desc = false;
    if (auto so = ctx_.req.param("sort_order"))
      desc = (*so == "D");
    std::stable_sort(rows.begin(), rows.end(), [&](const json::object& a, const json::object& b) {
      auto va = std::string(a.at(column).as_string());
      auto vb = std::string(b.at(column).as_string());
      return desc ? vb < va : va < vb;
    });
    json::array out;
    auto ctx = page_of(rows, read_paging(ctx_.req), out,
                       json::object{{"report_name", "Contacts"},
                                    {"applied_filter", filter},
                                    {"sort_column", column},
                                    {"sort_order", desc ? "D" : "A"}});
    return ok("success", {{"contacts", std::move(out)}, {"page_context", std::move(ctx)}});
  }

  response get_contact(const std::string& id) {
    auto it = d_.contacts.find(id);
    if (it == d_.contacts.end())
      return contact_missing();
    json::object c = it->second;
    json::array persons;
    for (const auto* p : persons_of(id))
      persons.push_back(*p);
    c["contact_persons"] = std::move(persons);
    return ok("success", {{"contact", std::move(c)}});
  }

  response list_persons(const std::string& contact_id) {
    if (!d_.contacts.contains(contact_id))
      return contact_missing();
    std::vector<json::object> rows;
    for (const auto* p : persons_of(contact_id))
      rows.push_back(*p);
    json::array out;
    auto ctx = page_of(rows, read_paging(ctx_.req), out);
    return ok("success", {{"contact_persons", std::move(out)}, {"page_context", std::move(ctx)}});
  }

  response get_person(const std::string& contact_id, const std::string& id) {
    auto it = d_.persons.find(id);
    if (it == d_.persons.end() || it->second.at("contact_id").as_string() != contact_id) {
      return person_missing();
    }
    return ok("success", {{"contact_person", it->second}});
  }

  // Create and update answer with the contact's persons, the written one first.
  json::array persons_answer(const std::string& contact_id, const std::string& first_id) {
    json::array out;
    out.push_back(d_.persons.at(first_id));
    for (const auto* p : persons_of(contact_id)) {
      if (p->at("contact_person_id").as_string() != first_id)
        out.push_back(*p);
    }
    return out;
  }

  void write_fields(record& person, const json::object& body) {
    for (const auto& f : kPersonFields) {
      auto it = body.find(f.name);
      if (it != body.end())
        person[f.name] = it->value().is_null() ? json::value("") : it->value();
    }
    if (auto it = body.find("communication_preference");
        it != body.end() && it->value().is_object()) {
      person["communication_preference"] = it->value();
    }
    if (auto it = body.find("enable_portal"); it != body.end() && it->value().is_bool()) {
      person["is_added_in_portal"] = it->value();
    }
    apply_quirks(ctx_.sb.opts.product_quirks[static_cast<int>(product::inventory)], person);
  }

  response create_person() {
    auto body = parse_object(ctx_.req.body);
    if (!body)
      return inventory_error(400, 4, "Invalid JSON passed");
    auto contact_id = get_string(*body, "contact_id");
    if (!contact_id) {
      if (auto it = body->find("contact_id"); it != body->end() && it->value().is_number()) {
        contact_id = to_json(it->value());
      }
    }
    if (!contact_id)
      return bad_value("contact_id");
    if (!d_.contacts.contains(*contact_id))
      return contact_missing();
    auto first = get_string(*body, "first_name");
    if (!first || trim(*first).empty())
      return bad_value("first_name");
    if (auto err = check_fields(*body, kPersonFields))
      return *err;
    std::string id = d_.person_ids.make();
    record p;
    p["contact_id"] = *contact_id;
    p["contact_person_id"] = id;
    for (const auto& f : kPersonFields)
      p[f.name] = "";
    p["is_primary_contact"] = persons_of(*contact_id).empty();
    p["is_added_in_portal"] = false;
    p["communication_preference"] = {{"is_sms_enabled", false}, {"is_whatsapp_enabled", false}};
    write_fields(p, *body);
    d_.persons[id] = std::move(p);
    d_.persons_by_contact.add(*contact_id, id);
    if (ctx_.sb.opts.person_bumps_contact)
      touch_contact(*contact_id);
    return ok("The contact person has been Created",
              {{"contact_person", persons_answer(*contact_id, id)}}, 201);
  }

  response update_person(const std::string& id) {
    auto it = d_.persons.find(id);
    if (it == d_.persons.end())
      return person_missing();
    auto body = parse_object(ctx_.req.body);
    if (!body)
      return inventory_error(400, 4, "Invalid JSON passed");
    std::string contact_id(it->second.at("contact_id").as_string());
    auto given = get_string(*body, "contact_id");
    if (!given) {
      if (auto c = body->find("contact_id"); c != body->end() && c->value().is_number()) {
        given = to_json(c->value());
      }
    }
    if (!given || *given != contact_id)
      return bad_value("contact_id");
    auto first = get_string(*body, "first_name");
    if (!first || trim(*first).empty())
      return bad_value("first_name");
    if (auto err = check_fields(*body, kPersonFields))
      return *err;
    write_fields(it->second, *body);
    if (ctx_.sb.opts.person_bumps_contact)
      touch_contact(contact_id);
    return ok("The contactperson details has been updated.",
              {{"contact_person", persons_answer(contact_id, id)}});
  }

  response delete_person(const std::string& id) {
    auto it = d_.persons.find(id);
    if (it == d_.persons.end())
      return person_missing();
    std::string contact_id(it->second.at("contact_id").as_string());
    d_.persons.erase(it);
    d_.persons_by_contact.remove(contact_id, id);
    if (ctx_.sb.opts.person_bumps_contact)
      touch_contact(contact_id);
    return ok("The contact person has been deleted.");
  }

  response mark_primary(const std::string& id) {
    auto it = d_.persons.find(id);
    if (it == d_.persons.end())
      return person_missing();
    std::string contact_id(it->second.at("contact_id").as_string());
    for (auto& [pid, p] : d_.persons) {
      if (p.at("contact_id").as_string() == contact_id)
        p["is_primary_contact"] = (pid == id);
    }
    if (ctx_.sb.opts.person_bumps_contact)
      touch_contact(contact_id);
    return ok("This contact person has been marked as your primary contact person.");
  }

  call_context& ctx_;
  inventory_data& d_;
  const std::string& m_;
};

}  // namespace

response handle_inventory(call_context& ctx) {
  return inventory_api(ctx).run();
}

}  // namespace zohosync::sandbox
