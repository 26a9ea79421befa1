#include "tests/connectors/conformance/inventory_fixture.hpp"

#include "connectors/inventory/inventory_connectors.hpp"

namespace zohosync::connectors::conformance {

namespace json = boost::json;

namespace {

constexpr int kPerPage = 4;  // small, so a dozen people cross page boundaries

json::object fields_json(const Fields& fields) {
  json::object out;
  for (const auto& [name, value] : fields)
    out[name] = value;
  return out;
}

Setup with_bumps(Setup setup) {
  setup.args.emplace_back("--person-bumps-contact");
  return setup;
}

}  // namespace

InventoryContactPersonsFixture::InventoryContactPersonsFixture(const Setup& setup)
    : SandboxFixture(with_bumps(setup), Product::inventory, "inventory") {
  caps_.collection = "inventory.contact_persons";
  caps_.incremental = true;
  caps_.deletes_by_parent = true;
  caps_.page_size = kPerPage;
  caps_.email_field = "email";
  caps_.name_field = "last_name";
  const auto contacts = dump().at("inventory").at("contacts").as_array();
  if (contacts.empty())
    throw std::runtime_error("the sandbox has no Inventory contact");
  default_contact_ = text_of(contacts.front().at("contact_id"));
  InventoryContactPersonsOptions options;
  options.organization_id = text_of(info().at("inventory").at("organization_id"));
  options.default_contact_id = default_contact_;
  options.per_page = kPerPage;
  options.clock = &clock();
  connector_ = make_inventory_contact_persons(api(), options);
}

Fields InventoryContactPersonsFixture::person(const std::string& tag, const std::string& email) {
  return {{"first_name", "Conf"}, {"last_name", "Person " + tag}, {"email", email}};
}

Fields InventoryContactPersonsFixture::refused_person(const std::string& tag,
                                                      const std::string& email) {
  Fields fields = person(tag, email);
  fields["last_name"] = std::string(300, 'x');  // Inventory allows 100
  return fields;
}

Record InventoryContactPersonsFixture::ui_create(const Fields& fields) {
  const std::string name = "Conformance Customer " + std::to_string(++contacts_made_);
  const auto contact =
      edit(json::object{{"collection", "contacts"},
                        {"op", "create"},
                        {"fields", json::object{{"contact_name", name}, {"company_name", name}}}});
  Record record;
  record.parent_id = text_of(contact.at("contact_id"));
  const auto stored = edit(json::object{{"collection", "contact_persons"},
                                        {"op", "create"},
                                        {"parent", record.parent_id},
                                        {"fields", fields_json(fields)}});
  record.id = text_of(stored.at("contact_person_id"));
  return record;
}

void InventoryContactPersonsFixture::ui_update(const std::string& id, const std::string& field,
                                               const std::string& value) {
  edit(json::object{{"collection", "contact_persons"},
                    {"op", "update"},
                    {"id", id},
                    {"fields", json::object{{field, value}}}});
}

void InventoryContactPersonsFixture::ui_delete(const std::string& id) {
  edit(json::object{{"collection", "contact_persons"}, {"op", "delete"}, {"id", id}});
}

std::set<std::string> InventoryContactPersonsFixture::ui_ids() {
  std::set<std::string> ids;
  const auto all = dump();  // the loop must not outlive it
  for (const auto& person : all.at("inventory").at("contact_persons").as_array())
    ids.insert(text_of(person.at("contact_person_id")));
  return ids;
}

InventoryUsersFixture::InventoryUsersFixture(const Setup& setup)
    : SandboxFixture(setup, Product::inventory, "inventory") {
  caps_.collection = "inventory.users";
  caps_.incremental = false;
  caps_.has_modified_time = false;
  caps_.page_size = kPerPage;
  caps_.email_field = "email";
  caps_.name_field = "name";
  InventoryUsersOptions options;
  options.organization_id = text_of(info().at("inventory").at("organization_id"));
  options.allow_invite = true;
  options.per_page = kPerPage;
  connector_ = make_inventory_users(api(), options);
}

Fields InventoryUsersFixture::person(const std::string& tag, const std::string& email) {
  return {{"name", "Conf Person " + tag}, {"email", email}};
}

Fields InventoryUsersFixture::refused_person(const std::string& tag, const std::string& email) {
  Fields fields = person(tag, email);
  fields["name"] = std::string(300, 'x');  // Inventory allows 100
  return fields;
}

Record InventoryUsersFixture::ui_create(const Fields& fields) {
  const auto stored = edit(
      json::object{{"collection", "users"}, {"op", "create"}, {"fields", fields_json(fields)}});
  Record record;
  record.id = text_of(stored.at("user_id"));
  return record;
}

void InventoryUsersFixture::ui_update(const std::string& id, const std::string& field,
                                      const std::string& value) {
  edit(json::object{{"collection", "users"},
                    {"op", "update"},
                    {"id", id},
                    {"fields", json::object{{field, value}}}});
}

void InventoryUsersFixture::ui_delete(const std::string& id) {
  edit(json::object{{"collection", "users"}, {"op", "delete"}, {"id", id}});
}

std::set<std::string> InventoryUsersFixture::ui_ids() {
  std::set<std::string> ids;
  const auto all = dump();  // the loop must not outlive it
  for (const auto& user : all.at("inventory").at("users").as_array()) {
    if (text_of(user.at("status")) != "inactive")
      ids.insert(text_of(user.at("user_id")));
  }
  return ids;
}

}  // namespace zohosync::connectors::conformance
