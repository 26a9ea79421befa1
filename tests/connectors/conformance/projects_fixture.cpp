#include "tests/connectors/conformance/projects_fixture.hpp"

#include "connectors/projects/projects_connectors.hpp"

namespace zohosync::connectors::conformance {

namespace json = boost::json;

namespace {

constexpr int kRange = 4;  // small, so a dozen people cross page boundaries

json::object fields_json(const Fields& fields) {
  json::object out;
  for (const auto& [name, value] : fields)
    out[name] = value;
  return out;
}

}  // namespace

ProjectsContactsFixture::ProjectsContactsFixture(const Setup& setup)
    : SandboxFixture(setup, Product::projects, "projects") {
  caps_.collection = "projects.contacts";
  caps_.incremental = false;
  caps_.has_modified_time = false;  // Projects contacts carry no timestamp
  caps_.page_size = kRange;
  caps_.email_field = "email";
  caps_.name_field = "last_name";
  const std::string portal_id = text_of(info().at("projects").at("portal_id"));
  portal_ = "/api/v3/portal/" + portal_id;
  const auto clients = dump().at("projects").at("clients").as_array();
  if (clients.empty())
    throw std::runtime_error("the sandbox has no Projects client");
  default_client_ = text_of(clients.front().at("id"));
  ProjectsOptions options;
  options.portal_id = portal_id;
  options.default_client_id = default_client_;
  options.range = kRange;
  options.clients_per_page = kRange;
  connector_ = make_projects_contacts(api(), options);
}

Fields ProjectsContactsFixture::person(const std::string& tag, const std::string& email) {
  return {{"first_name", "Conf"}, {"last_name", "Person " + tag}, {"email", email}};
}

Fields ProjectsContactsFixture::refused_person(const std::string& tag, const std::string& email) {
  Fields fields = person(tag, email);
  fields["last_name"] = std::string(300, 'x');  // Projects allows 100
  return fields;
}

Record ProjectsContactsFixture::ui_create(const Fields& fields) {
  const auto stored = edit(json::object{{"collection", "contacts"},
                                        {"op", "create"},
                                        {"parent", default_client_},
                                        {"fields", fields_json(fields)}});
  Record record;
  record.id = text_of(stored.at("id"));
  record.parent_id = default_client_;
  return record;
}

void ProjectsContactsFixture::ui_update(const std::string& id, const std::string& field,
                                        const std::string& value) {
  edit(json::object{{"collection", "contacts"},
                    {"op", "update"},
                    {"id", id},
                    {"fields", json::object{{field, value}}}});
}

void ProjectsContactsFixture::ui_delete(const std::string& id) {
  edit(json::object{{"collection", "contacts"}, {"op", "delete"}, {"id", id}});
}

std::set<std::string> ProjectsContactsFixture::ui_ids() {
  std::set<std::string> ids;
  const auto all = dump();  // the loop must not outlive it
  for (const auto& contact : all.at("projects").at("contacts").as_array())
    ids.insert(text_of(contact.at("id")));
  return ids;
}

}  // namespace zohosync::connectors::conformance
