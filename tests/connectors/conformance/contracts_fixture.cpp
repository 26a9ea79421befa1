#include "tests/connectors/conformance/contracts_fixture.hpp"

#include "connectors/contracts/contracts_connectors.hpp"

namespace zohosync::connectors::conformance {

namespace json = boost::json;

namespace {

json::object fields_json(const Fields& fields) {
  json::object out;
  for (const auto& [name, value] : fields)
    out[name] = value;
  return out;
}

// One contact per email keeps find_by_email's "the oldest match" unambiguous.
Setup unique_emails(Setup setup) {
  setup.args.insert(setup.args.end(), {"--duplicates", "0", "--email-variants", "0"});
  return setup;
}

}  // namespace

ContractsContactsFixture::ContractsContactsFixture(const Setup& setup)
    : SandboxFixture(unique_emails(setup), Product::contracts, "contracts") {
  caps_.collection = "contracts.counterparty_contacts";
  caps_.incremental = false;
  caps_.email_in_url = true;
  caps_.email_field = "emailId";
  caps_.name_field = "displayName";
  const auto orgs = info().at("contracts").at("organizations").as_array();
  if (orgs.empty())
    throw std::runtime_error("the sandbox has no Contracts counterparty");
  default_org_ = text_of(orgs.front());
  ContractsOptions options;
  options.default_counterparty = default_org_;
  connector_ = make_contracts_counterparty_contacts(api(), options);
}

Fields ContractsContactsFixture::person(const std::string& tag, const std::string& email) {
  return {{"displayName", "Conf Person " + tag}, {"emailId", email}};
}

Fields ContractsContactsFixture::refused_person(const std::string& tag, const std::string& email) {
  Fields fields = person(tag, email);
  fields["displayName"] = std::string(300, 'x');  // Contracts allows 100
  return fields;
}

Record ContractsContactsFixture::ui_create(const Fields& fields) {
  const auto stored = edit(json::object{{"collection", "counterpartyusers"},
                                        {"op", "create"},
                                        {"parent", default_org_},
                                        {"fields", fields_json(fields)}});
  Record record;
  record.id = text_of(stored.at("id"));
  record.parent_id = default_org_;
  record.fields = fields;
  return record;
}

void ContractsContactsFixture::ui_update(const std::string& id, const std::string& field,
                                         const std::string& value) {
  edit(json::object{{"collection", "counterpartyusers"},
                    {"op", "update"},
                    {"id", id},
                    {"fields", json::object{{field, value}}}});
}

void ContractsContactsFixture::ui_delete(const std::string& id) {
  edit(json::object{{"collection", "counterpartyusers"}, {"op", "delete"}, {"id", id}});
}

std::set<std::string> ContractsContactsFixture::ui_ids() {
  std::set<std::string> ids;
  const auto all = dump();  // the loop must not outlive it
  for (const auto& user : all.at("contracts").at("counterpartyusers").as_array())
    ids.insert(text_of(user.at("id")));
  return ids;
}

}  // namespace zohosync::connectors::conformance
