#pragma once
// The in-memory reference connector: the contract every Zoho connector is
// measured against. Its "UI" is the MemoryConnector's own editing API.

#include "connectors/memory/memory_connector.hpp"
#include "tests/connectors/conformance/fixture.hpp"

namespace zohosync::connectors::conformance {

class MemoryFixture final : public Fixture {
 public:
  explicit MemoryFixture(const Setup& setup = {});

  const Capabilities& caps() const override { return caps_; }
  Connector& connector() override { return connector_; }
  boost::asio::io_context& context() override { return context_; }

  std::string default_parent() override { return "parent-1"; }
  Fields person(const std::string& tag, const std::string& email) override;
  Fields refused_person(const std::string& tag, const std::string& email) override;

  Record ui_create(const Fields& fields) override;
  void ui_update(const std::string& id, const std::string& field,
                 const std::string& value) override;
  void ui_delete(const std::string& id) override;
  std::set<std::string> ui_ids() override;

 private:
  Capabilities caps_;
  boost::asio::io_context context_;
  MemoryConnector connector_;
};

}  // namespace zohosync::connectors::conformance
