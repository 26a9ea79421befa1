#pragma once
// contracts.counterparty_contacts against the sandbox's Contracts v1 API. The
// connector's id is the email; the UI addresses the sandbox's own record id.

#include "tests/connectors/conformance/sandbox_fixture.hpp"

namespace zohosync::connectors::conformance {

class ContractsContactsFixture final : public SandboxFixture {
 public:
  explicit ContractsContactsFixture(const Setup& setup = {});

  std::string default_parent() override { return default_org_; }
  Fields person(const std::string& tag, const std::string& email) override;
  Fields refused_person(const std::string& tag, const std::string& email) override;
  Record ui_create(const Fields& fields) override;
  void ui_update(const std::string& id, const std::string& field,
                 const std::string& value) override;
  void ui_delete(const std::string& id) override;
  std::set<std::string> ui_ids() override;
  Route read_route() override { return {"GET", "/api/v1/counterparties"}; }
  // The connector sends the email key with a trailing slash, as the seed does.
  // The email is the URL key (ui_create's record carries it).
  Route write_route(const Record& record) override {
    return {"PUT", "/api/v1/counterparties/" + record.parent_id + "/counterpartyusers/" +
                       record.fields.at("emailId") + "/"};
  }

 private:
  std::string default_org_;
};

}  // namespace zohosync::connectors::conformance
