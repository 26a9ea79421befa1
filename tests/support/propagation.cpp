#include "tests/support/propagation.hpp"

#include <thread>

#include "tests/support/census.hpp"

namespace zohosync::support {

namespace json = boost::json;

std::string text_field(const json::object& record, const char* key) {
  auto it = record.find(key);
  return it == record.end() || !it->value().is_string() ? std::string()
                                                        : std::string(it->value().as_string());
}

std::optional<CrmPerson> crm_person_also_in(const json::object& dump, std::string_view collection) {
  for (const auto& c : dump.at("crm").as_object().at("contacts").as_array()) {
    const std::string email = text_field(c.as_object(), "Email");
    if (!email.empty() && records_with(dump, place(collection), email).size() == 1)
      return CrmPerson{text_field(c.as_object(), "id"), email};
  }
  return std::nullopt;
}

std::optional<std::chrono::milliseconds> wait_until_shown(const std::function<json::object()>& dump,
                                                          std::string_view collection,
                                                          const std::string& email,
                                                          const char* field,
                                                          const std::string& value,
                                                          std::chrono::milliseconds limit) {
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  while (Clock::now() - start < limit) {
    const auto records = records_with(dump(), place(collection), email);
    if (records.size() == 1 && text_field(records[0], field) == value)
      return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return std::nullopt;
}

}  // namespace zohosync::support
