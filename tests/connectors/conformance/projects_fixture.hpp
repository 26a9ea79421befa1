#pragma once
// projects.contacts against the sandbox's Projects v3 client contacts.

#include "tests/connectors/conformance/sandbox_fixture.hpp"

namespace zohosync::connectors::conformance {

// UI creates go under the default client, so growing the collection crosses
// that client's `index`/`range` page boundaries.
class ProjectsContactsFixture final : public SandboxFixture {
 public:
  explicit ProjectsContactsFixture(const Setup& setup = {});

  std::string default_parent() override { return default_client_; }
  Fields person(const std::string& tag, const std::string& email) override;
  Fields refused_person(const std::string& tag, const std::string& email) override;
  Record ui_create(const Fields& fields) override;
  void ui_update(const std::string& id, const std::string& field,
                 const std::string& value) override;
  void ui_delete(const std::string& id) override;
  std::set<std::string> ui_ids() override;
  Route read_route() override { return {"GET", portal_ + "/clients"}; }
  Route write_route(const Record& record) override {
    return {"PATCH", portal_ + "/contacts/" + record.id};
  }

 private:
  std::string portal_;  // /api/v3/portal/{id}
  std::string default_client_;
};

}  // namespace zohosync::connectors::conformance
