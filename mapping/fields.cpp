#include "mapping/fields.hpp"

namespace zohosync::mapping {

namespace {
constexpr std::array<std::string_view, kFieldCount> kNames = {
    "email",  "first_name",  "last_name",  "salutation", "phone",
    "mobile", "designation", "department", "skype"};
}

std::string_view field_name(Field field) {
  return kNames[index_of(field)];
}

std::optional<Field> field_from_name(std::string_view name) {
  for (Field field : kAllFields) {
    if (kNames[index_of(field)] == name)
      return field;
  }
  if (name == "title")
    return Field::designation;
  return std::nullopt;
}

}  // namespace zohosync::mapping
