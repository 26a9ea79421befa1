#pragma once
// inventory.contact_persons and inventory.users against the sandbox's
// Inventory v1 API.

#include "tests/connectors/conformance/sandbox_fixture.hpp"

namespace zohosync::connectors::conformance {

// Contact persons, with the sandbox's --person-bumps-contact on so that the
// incremental listing (driven by the contacts' last_modified_time) sees person
// edits. A UI create adds a new customer contact with one person, so that
// growing the collection crosses the contacts list's page boundaries.
class InventoryContactPersonsFixture final : public SandboxFixture {
 public:
  explicit InventoryContactPersonsFixture(const Setup& setup = {});

  std::string default_parent() override { return default_contact_; }
  Fields person(const std::string& tag, const std::string& email) override;
  Fields refused_person(const std::string& tag, const std::string& email) override;
  Record ui_create(const Fields& fields) override;
  void ui_update(const std::string& id, const std::string& field,
                 const std::string& value) override;
  void ui_delete(const std::string& id) override;
  std::set<std::string> ui_ids() override;
  Route read_route() override { return {"GET", "/inventory/v1/contacts"}; }
  Route write_route(const Record& record) override {
    return {"PUT", "/inventory/v1/contacts/contactpersons/" + record.id};
  }

 private:
  std::string default_contact_;
  int contacts_made_ = 0;
};

// Users, with invitations allowed (create) and remove() marking inactive.
class InventoryUsersFixture final : public SandboxFixture {
 public:
  explicit InventoryUsersFixture(const Setup& setup = {});

  std::string default_parent() override { return {}; }
  Fields person(const std::string& tag, const std::string& email) override;
  Fields refused_person(const std::string& tag, const std::string& email) override;
  Record ui_create(const Fields& fields) override;
  void ui_update(const std::string& id, const std::string& field,
                 const std::string& value) override;
  void ui_delete(const std::string& id) override;
  // Users not inactive (invited ones too): inactive ones are not listed.
  std::set<std::string> ui_ids() override;
  Route read_route() override { return {"GET", "/inventory/v1/users"}; }
  Route write_route(const Record& record) override {
    return {"PUT", "/inventory/v1/users/" + record.id};
  }
};

}  // namespace zohosync::connectors::conformance
