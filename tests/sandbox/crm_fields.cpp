// Zoho CRM v8 field metadata for Contacts (GET /crm/v8/settings/fields):
// what a client reads at startup to learn the field lengths the write side
// enforces. Only the keys a sync client needs are served.
#include "tests/sandbox/crm_common.hpp"
#include "tests/sandbox/util.hpp"

namespace zohosync::sandbox::crm {

namespace json = boost::json;

namespace {

struct meta {
  const char* api_name;
  const char* label;
  const char* data_type;
  bool custom = false;
};
constexpr meta kMeta[] = {{"Salutation", "Salutation", "picklist"},
                          {"First_Name", "First Name", "text"},
                          {"Last_Name", "Last Name", "text"},
                          {"Email", "Email", "email"},
                          {"Secondary_Email", "Secondary Email", "email"},
                          {"Phone", "Phone", "phone"},
                          {"Mobile", "Mobile", "phone"},
                          {"Fax", "Fax", "phone"},
                          {"Title", "Title", "text"},
                          {"Department", "Department", "text"},
                          {"Skype_ID", "Skype ID", "text"},
                          {"Lead_Source", "Lead Source", "picklist"},
                          {"Contact_Type", "Contact Type", "picklist", true}};

std::size_t length_of(const char* api_name) {
  for (const auto& f : kFields) {
    if (std::string_view(f.name) == api_name)
      return f.max;
  }
  return 0;
}

}  // namespace

response handle_fields(call_context& ctx) {
  const auto& m = ctx.req.method;
  if (!scope_allows(ctx.token.scopes, "ZohoCRM.settings.fields", scope_operation(m),
                    {"ZohoCRM.settings.ALL"})) {
    return scope_error(product::crm, m);
  }
  if (m != "GET" || ctx.segs.size() != 4) {
    return crm_error(400, "INVALID_REQUEST_METHOD",
                     "The http request method type is not a valid one");
  }
  auto module = ctx.req.param("module");
  if (module == nullptr) {
    return crm_error(400, "REQUIRED_PARAM_MISSING", "One of the expected parameter is missing",
                     json::object{{"param_name", "module"}});
  }
  if (*module != "Contacts") {
    return crm_error(400, "INVALID_MODULE", "the module name given seems to be invalid");
  }
  json::array fields;
  std::uint64_t id = 4150868000000002591;
  auto add = [&](const char* api, const char* label, const char* type, std::size_t length,
                 bool mandatory, bool read_only, bool custom = false) {
    fields.push_back(json::object{{"api_name", api},
                                  {"field_label", label},
                                  {"display_label", label},
                                  {"data_type", type},
                                  {"json_type", "string"},
                                  {"length", length},
                                  {"system_mandatory", mandatory},
                                  {"read_only", read_only},
                                  {"field_read_only", read_only},
                                  {"custom_field", custom},
                                  {"visible", true},
                                  {"id", std::to_string(id++)}});
  };
  for (const auto& f : kMeta) {
    add(f.api_name, f.label, f.data_type, length_of(f.api_name),
        std::string_view(f.api_name) == "Last_Name", false, f.custom);
  }
  add("Created_Time", "Created Time", "datetime", 120, false, true);
  add("Modified_Time", "Modified Time", "datetime", 120, false, true);
  return json_response(200, json::object{{"fields", std::move(fields)}});
}

}  // namespace zohosync::sandbox::crm
