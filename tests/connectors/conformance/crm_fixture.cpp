#include "tests/connectors/conformance/crm_fixture.hpp"

#include "connectors/crm/crm_connectors.hpp"

namespace zohosync::connectors::conformance {

namespace json = boost::json;

namespace {

constexpr std::size_t kPerPage = 5;  // small, so a dozen people cross page boundaries

json::object fields_json(const Fields& fields) {
  json::object out;
  for (const auto& [name, value] : fields)
    out[name] = value;
  return out;
}

}  // namespace

CrmContactsFixture::CrmContactsFixture(const Setup& setup)
    : SandboxFixture(setup, Product::crm, "crm") {
  caps_.collection = "crm.contacts";
  caps_.incremental = true;
  caps_.reports_deleted = true;
  caps_.page_size = kPerPage;
  caps_.email_field = "Email";
  caps_.name_field = "Last_Name";
  CrmContactsOptions options;
  options.per_page = kPerPage;
  connector_ = make_crm_contacts_connector(api(), options);
}

Fields CrmContactsFixture::person(const std::string& tag, const std::string& email) {
  return {{"First_Name", "Conf"}, {"Last_Name", "Person " + tag}, {"Email", email}};
}

Fields CrmContactsFixture::refused_person(const std::string& tag, const std::string& email) {
  Fields fields = person(tag, email);
  fields["Last_Name"] = std::string(300, 'x');  // CRM allows 80
  return fields;
}

Record CrmContactsFixture::ui_create(const Fields& fields) {
  const auto stored = edit(
      json::object{{"collection", "contacts"}, {"op", "create"}, {"fields", fields_json(fields)}});
  Record record;
  record.id = text_of(stored.at("id"));
  return record;
}

void CrmContactsFixture::ui_update(const std::string& id, const std::string& field,
                                   const std::string& value) {
  edit(json::object{{"collection", "contacts"},
                    {"op", "update"},
                    {"id", id},
                    {"fields", json::object{{field, value}}}});
}

void CrmContactsFixture::ui_delete(const std::string& id) {
  edit(json::object{{"collection", "contacts"}, {"op", "delete"}, {"id", id}});
}

std::set<std::string> CrmContactsFixture::ui_ids() {
  std::set<std::string> ids;
  const auto all = dump();
  for (const auto& contact : all.at("crm").at("contacts").as_array())
    ids.insert(text_of(contact.at("id")));
  return ids;
}

}  // namespace zohosync::connectors::conformance
