#include "tests/connectors/conformance/memory_fixture.hpp"

namespace zohosync::connectors::conformance {

namespace {

MemoryOptions memory_options() {
  MemoryOptions options;
  options.collection = "memory.people";
  options.email_field = "email";
  return options;
}

}  // namespace

MemoryFixture::MemoryFixture(const Setup& setup) : connector_(memory_options()) {
  caps_.collection = "memory.people";
  caps_.incremental = true;
  caps_.reports_deleted = true;
  caps_.email_field = "email";
  caps_.name_field = "last_name";
  for (int i = 0; i < setup.people; ++i) {
    ui_create(person("seed" + std::to_string(i), "seed" + std::to_string(i) + "@example.com"));
  }
}

Fields MemoryFixture::person(const std::string& tag, const std::string& email) {
  return {{"first_name", "Conf"}, {"last_name", "Person " + tag}, {"email", email}};
}

Fields MemoryFixture::refused_person(const std::string& tag, const std::string& email) {
  // The in-memory product is told to refuse this email, as Zoho refuses bad data.
  connector_.refuse_record(email);
  return person(tag, email);
}

Record MemoryFixture::ui_create(const Fields& fields) {
  Record record;
  record.parent_id = default_parent();
  record.fields = fields;
  Record created;
  created.parent_id = record.parent_id;
  created.id = connector_.put(std::move(record));
  return created;
}

void MemoryFixture::ui_update(const std::string& id, const std::string& field,
                              const std::string& value) {
  connector_.edit(id, field, value);
}

void MemoryFixture::ui_delete(const std::string& id) {
  connector_.erase(id);
}

std::set<std::string> MemoryFixture::ui_ids() {
  std::set<std::string> ids;
  for (const auto& [id, record] : connector_.records())
    ids.insert(id);
  return ids;
}

}  // namespace zohosync::connectors::conformance
