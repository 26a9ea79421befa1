// The loopback admin API under /__sandbox/: info, dump, counters, reset,
// UI-like edits, faults, clock, limits, quirks and a few knobs.
#include "tests/sandbox/crm_common.hpp"
#include "tests/sandbox/errors.hpp"
#include "tests/sandbox/knobs.hpp"
#include "tests/sandbox/router.hpp"
#include "tests/sandbox/util.hpp"

#include <boost/json/array.hpp>

namespace zohosync::sandbox {

namespace json = boost::json;

namespace {

response admin_error(int status, const std::string& message) {
  return json_response(status, json::object{{"error", message}});
}

// One editable collection: its records, its id field, how it names its parent
// and the field that carries the product's modified time.
struct collection_ref {
  std::map<std::string, record>* records = nullptr;
  id_source* ids = nullptr;
  const char* id_field = "id";
  const char* parent_field = nullptr;
  const char* modified_field = nullptr;
  const char* created_field = nullptr;
  time_style style = time_style::crm;
  product prod = product::crm;
};

std::optional<collection_ref> find_collection(store& d, const std::string& prod, std::string coll) {
  if (prod == "inventory") {
    if (coll.empty() || coll == "contact_persons") {
      return collection_ref{&d.inventory.persons,
                            &d.inventory.person_ids,
                            "contact_person_id",
                            "contact_id",
                            nullptr,
                            nullptr,
                            time_style::books,
                            product::inventory};
    }
    if (coll == "contacts") {
      return collection_ref{
          &d.inventory.contacts, &d.inventory.contact_ids, "contact_id",      nullptr,
          "last_modified_time",  "created_time",           time_style::books, product::inventory};
    }
    if (coll == "users") {
      return collection_ref{
          &d.inventory.users, &d.inventory.user_ids, "user_id", nullptr, nullptr, nullptr,
          time_style::date,   product::inventory};
    }
  } else if (prod == "projects" && coll == "clients") {
    return collection_ref{
        &d.projects.clients, &d.projects.client_ids, "id", nullptr, nullptr, nullptr,
        time_style::crm,     product::projects};
  } else if (prod == "projects" && (coll.empty() || coll == "contacts")) {
    return collection_ref{
        &d.projects.contacts, &d.projects.contact_ids, "id", "clientId", nullptr, nullptr,
        time_style::crm,      product::projects};
  } else if (prod == "crm" && (coll.empty() || coll == "contacts")) {
    return collection_ref{&d.crm.contacts, &d.crm.ids,      "id",        nullptr, "Modified_Time",
                          "Created_Time",  time_style::crm, product::crm};
  } else if (prod == "contracts" && (coll.empty() || coll == "counterpartyusers")) {
    return collection_ref{&d.contracts.users,    &d.contracts.user_ids, "id",
                          "organizationApiName", "modifiedTime",        "addedTime",
                          time_style::crm,       product::contracts};
  }
  return std::nullopt;
}

// The empty record a product's UI starts a new entry from.
record blank(sandbox& sb, product p, const std::string& id_field) {
  std::string today = format_time(sb.now(), time_style::date);
  switch (p) {
    case product::inventory:
      if (std::string(id_field) == "contact_person_id") {
        record r{{"is_primary_contact", false}, {"is_added_in_portal", false}};
        for (const char* f : {"salutation", "first_name", "last_name", "email", "phone", "mobile",
                              "skype", "designation", "department"}) {
          r[f] = "";
        }
        r["communication_preference"] = {{"is_sms_enabled", false}, {"is_whatsapp_enabled", false}};
        return r;
      }
      if (std::string(id_field) == "contact_id") {
        return record{{"contact_name", ""},
                      {"company_name", ""},
                      {"contact_type", "customer"},
                      {"status", "active"}};
      }
      return record{{"role_id", "982000000006005"}, {"name", ""},          {"email", ""},
                    {"user_role", "staff"},         {"user_type", "zoho"}, {"status", "active"},
                    {"is_current_user", false},     {"photo_url", ""},     {"created_time", today}};
    case product::projects:
      return record{{"email", ""},
                    {"first_name", ""},
                    {"last_name", ""},
                    {"invoice_rate", "0.0"},
                    {"crm_contactId", "-1"},
                    {"displayName", ""},
                    {"projects", json::array{}}};
    case product::crm: {
      record r;
      for (const auto& f : crm::kFields)
        r[f.name] = nullptr;
      return r;
    }
    case product::contracts:
      return record{{"name", ""},
                    {"displayName", ""},
                    {"emailId", ""},
                    {"jobTitle", ""},
                    {"phoneNumber", ""},
                    {"status", "active"},
                    {"addedBy", "Sandbox UI"},
                    {"modifiedBy", "Sandbox UI"}};
  }
  return {};
}

response edit(sandbox& sb, const json::object& body) {
  std::string prod = string_or(body, "product");
  std::string op = string_or(body, "op", "update");
  auto coll = find_collection(sb.data, prod, string_or(body, "collection"));
  if (!coll)
    return admin_error(400, "unknown product/collection");
  json::object fields;
  if (auto it = body.find("fields"); it != body.end() && it->value().is_object()) {
    fields = it->value().as_object();
  }
  std::string now = format_time(sb.now(), coll->style);
  auto& records = *coll->records;
  std::string id = string_or(body, "id");
  if (op == "create") {
    id = coll->ids->make();
    record r{{coll->id_field, id}};
    for (auto& [k, v] : blank(sb, coll->prod, coll->id_field))
      r[k] = v;
    if (coll->parent_field) {
      auto parent = string_or(body, "parent");
      if (parent.empty())
        return admin_error(400, "create needs \"parent\"");
      r[coll->parent_field] = parent;
    }
    if (coll->created_field)
      r[coll->created_field] = now;
    if (coll->modified_field)
      r[coll->modified_field] = now;
    records[id] = std::move(r);
  } else if (!records.contains(id)) {
    return admin_error(404, "no record " + id);
  }
  record& r = records[id];
  if (op == "delete") {
    record gone = r;
    records.erase(id);
    if (coll->prod == product::crm) {
      sb.data.crm.deleted.push_back(json::object{
          {"deleted_by", json::object{{"name", "Sandbox UI"}, {"id", "4150868000000225013"}}},
          {"id", id},
          {"display_name", string_or(gone, "First_Name") + " " + string_or(gone, "Last_Name")},
          {"type", "recycle"},
          {"created_by", json::object{{"name", "Sandbox UI"}, {"id", "4150868000000225013"}}},
          {"deleted_time", now}});
    }
    if (coll->records == &sb.data.projects.clients) {
      // A client company goes with its contacts.
      std::erase_if(sb.data.projects.contacts, [&](const auto& contact) {
        return string_or(contact.second, "clientId") == id;
      });
    }
    if (coll->records == &sb.data.inventory.contacts) {
      // Inventory deletes a contact with its contact persons.
      std::erase_if(sb.data.inventory.persons, [&](const auto& person) {
        return string_or(person.second, "contact_id") == id;
      });
    }
    if (coll->prod == product::inventory && sb.opts.person_bumps_contact && coll->parent_field) {
      auto c = sb.data.inventory.contacts.find(string_or(gone, "contact_id"));
      if (c != sb.data.inventory.contacts.end()) {
        c->second["last_modified_time"] = format_time(sb.now(), time_style::books);
      }
    }
    return json_response(200, json::object{{"deleted", gone}});
  }
  if (op != "create" && op != "update")
    return admin_error(400, "op is create, update or delete");
  for (const auto& [k, v] : fields)
    r[k] = v;
  if (coll->prod == product::crm || coll->prod == product::contracts) {
    // A UI edit moves the modified time like any write.
    r[coll->modified_field] = now;
  }
  if (coll->prod == product::contracts && fields.contains("displayName")) {
    r["name"] = fields.at("displayName");
  }
  if (coll->prod == product::projects &&
      (fields.contains("first_name") || fields.contains("last_name"))) {
    r["displayName"] = string_or(r, "first_name") + " " + string_or(r, "last_name");
  }
  if (coll->modified_field && coll->prod == product::inventory)
    r[coll->modified_field] = now;
  if (coll->prod == product::inventory && coll->parent_field && sb.opts.person_bumps_contact) {
    auto c = sb.data.inventory.contacts.find(string_or(r, "contact_id"));
    if (c != sb.data.inventory.contacts.end()) {
      c->second["last_modified_time"] = format_time(sb.now(), time_style::books);
    }
  }
  apply_quirks(sb.opts.product_quirks[static_cast<int>(coll->prod)], r);
  return json_response(op == "create" ? 201 : 200, json::object{{"record", r}});
}

response reset(sandbox& sb, const std::string& body_text) {
  if (!body_text.empty()) {
    auto body = parse_object(body_text);
    if (!body)
      return admin_error(400, "JSON object expected");
    auto& g = sb.opts.gen;
    for (const auto& [k, v] : *body) {
      if (k == "seed" && v.is_int64()) {
        g.seed = static_cast<std::uint64_t>(v.as_int64());
      } else if (k == "people" && v.is_int64()) {
        g.people = static_cast<int>(v.as_int64());
      } else if (k == "overlap" && v.is_number()) {
        g.overlap = v.to_number<double>();
      } else if (k == "email_variants" && v.is_number()) {
        g.email_variants = v.to_number<double>();
      } else if (k == "no_email" && v.is_number()) {
        g.no_email = v.to_number<double>();
      } else if (k == "duplicates" && v.is_number()) {
        g.duplicates = v.to_number<double>();
      } else {
        return admin_error(400, "unknown or mistyped reset key " + std::string(k));
      }
    }
  }
  sb.reset();
  return json_response(
      200,
      json::object{{"reset", true}, {"seed", sb.opts.gen.seed}, {"people", sb.opts.gen.people}});
}

response clock(sandbox& sb, const request& req) {
  if (req.method == "POST") {
    auto body = parse_object(req.body);
    if (!body)
      return admin_error(400, "JSON object expected");
    if (auto it = body->find("advance"); it != body->end() && it->value().is_int64()) {
      sb.clock.advance(it->value().as_int64());
    } else if (auto set = get_string(*body, "set")) {
      auto t = parse_time(*set);
      if (!t)
        return admin_error(400, "unreadable time " + *set);
      sb.clock.set(*t);
    } else {
      return admin_error(400, "expected {\"advance\":seconds} or {\"set\":\"ISO time\"}");
    }
  }
  return json_response(200, json::object{{"now", format_time(sb.now(), time_style::crm)},
                                         {"epoch", sb.now()},
                                         {"offset", sb.clock.offset()}});
}

response knobs(sandbox& sb, const request& req) {
  if (req.method == "POST") {
    auto body = parse_object(req.body);
    if (!body)
      return admin_error(400, "JSON object expected");
    for (const auto& [k, v] : *body) {
      if (k == "person_bumps_contact" && v.is_bool()) {
        sb.opts.person_bumps_contact = v.as_bool();
      } else if (k == "latency_ms" && v.is_int64()) {
        sb.opts.latency_ms = static_cast<int>(v.as_int64());
      } else if (k == "token_ttl" && v.is_int64()) {
        sb.opts.token_ttl_s = static_cast<int>(v.as_int64());
      } else if (k == "scopes" && v.is_array()) {
        sb.opts.scopes.clear();
        for (const auto& s : v.as_array()) {
          if (s.is_string())
            sb.opts.scopes.emplace_back(s.as_string());
        }
      } else if (k == "quirks" && v.is_string()) {
        if (auto err = apply_quirk_spec(std::string(v.as_string()), sb.opts)) {
          return admin_error(400, *err);
        }
      } else if (k == "limits" && v.is_object()) {
        if (auto err = apply_limits_json(v.as_object(), sb.opts.limits)) {
          return admin_error(400, *err);
        }
      } else {
        return admin_error(400, "unknown or mistyped knob " + std::string(k));
      }
    }
  }
  json::array scopes;
  for (const auto& s : sb.opts.scopes)
    scopes.push_back(json::value(s));
  return json_response(200, json::object{{"person_bumps_contact", sb.opts.person_bumps_contact},
                                         {"latency_ms", sb.opts.latency_ms},
                                         {"token_ttl", sb.opts.token_ttl_s},
                                         {"scopes", scopes},
                                         {"quirks", quirks_json(sb.opts)},
                                         {"limits", limits_json(sb.opts.limits)}});
}

// POST /__sandbox/grant-code {"scopes":[...], "expires_in": seconds}: what the
// API console's Self Client "Generate Code" gives (defaults: every scope of
// the options, 3 minutes).
response grant_code_for(sandbox& sb, const std::string& body_text) {
  std::vector<std::string> scopes = sb.opts.scopes;
  std::int64_t expires_in = 180;
  if (!body_text.empty()) {
    auto body = parse_object(body_text);
    if (!body)
      return admin_error(400, "JSON object expected");
    if (auto* s = body->if_contains("scopes")) {
      if (!s->is_array())
        return admin_error(400, "scopes: an array of strings expected");
      scopes.clear();
      for (const auto& v : s->as_array()) {
        if (!v.is_string())
          return admin_error(400, "scopes: an array of strings expected");
        scopes.emplace_back(v.as_string());
      }
    }
    if (auto* e = body->if_contains("expires_in")) {
      if (!e->is_int64() || e->as_int64() < 0)
        return admin_error(400, "expires_in: seconds expected");
      expires_in = e->as_int64();
    }
  }
  const std::string code = sb.tokens.issue_code(std::move(scopes), sb.now() + expires_in);
  return json_response(200, json::object{{"code", code}, {"expires_in", expires_in}});
}

}  // namespace

response handle_admin(sandbox& sb, const request& req) {
  std::string what = req.path.substr(std::string("/__sandbox/").size());
  if (!what.empty() && what.back() == '/')
    what.pop_back();
  const auto& m = req.method;
  if (what == "info" && m == "GET")
    return json_response(200, sb.info_json());
  if (what == "dump" && m == "GET") {
    json::object d = sb.data.dump();
    d["now"] = format_time(sb.now(), time_style::crm);
    return json_response(200, d);
  }
  if (what == "counters" && m == "GET")
    return json_response(200, sb.counters_json());
  if (what == "reset" && m == "POST")
    return reset(sb, req.body);
  if (what == "edit" && m == "POST") {
    auto body = parse_object(req.body);
    if (!body)
      return admin_error(400, "JSON object expected");
    return edit(sb, *body);
  }
  if (what == "faults") {
    if (m == "DELETE")
      sb.faults.clear();
    if (m == "POST") {
      auto body = parse_object(req.body);
      if (!body)
        return admin_error(400, "JSON object expected");
      // One rule, or {"rules":[...]}.
      if (auto it = body->find("rules"); it != body->end() && it->value().is_array()) {
        for (const auto& r : it->value().as_array()) {
          if (!r.is_object())
            return admin_error(400, "rule objects expected");
          if (auto err = sb.faults.add(r.as_object()))
            return admin_error(400, *err);
        }
      } else if (auto err = sb.faults.add(*body)) {
        return admin_error(400, *err);
      }
    }
    return json_response(200, json::object{{"rules", sb.faults.list()}});
  }
  if (what == "clock")
    return clock(sb, req);
  if (what == "grant-code" && m == "POST")
    return grant_code_for(sb, req.body);
  if (what == "knobs")
    return knobs(sb, req);
  return admin_error(404, "unknown admin path " + req.path);
}

}  // namespace zohosync::sandbox
