#pragma once
// crm.contacts against the sandbox's CRM v8 Contacts module.

#include "tests/connectors/conformance/sandbox_fixture.hpp"

namespace zohosync::connectors::conformance {

class CrmContactsFixture final : public SandboxFixture {
 public:
  explicit CrmContactsFixture(const Setup& setup = {});

  std::string default_parent() override { return {}; }
  Fields person(const std::string& tag, const std::string& email) override;
  Fields refused_person(const std::string& tag, const std::string& email) override;
  Record ui_create(const Fields& fields) override;
  void ui_update(const std::string& id, const std::string& field,
                 const std::string& value) override;
  void ui_delete(const std::string& id) override;
  std::set<std::string> ui_ids() override;
  Route read_route() override { return {"GET", "/crm/v8/Contacts"}; }
  // Updates go out as batches (PUT /Contacts), one record per call here.
  Route write_route(const Record&) override { return {"PUT", "/crm/v8/Contacts"}; }
};

}  // namespace zohosync::connectors::conformance
