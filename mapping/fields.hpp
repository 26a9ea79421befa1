#pragma once
// The canonical person: the fields every collection maps onto. The numeric
// values of Field are stored on disk (people, links, conflicts): never renumber.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace zohosync::mapping {

enum class Field : std::uint8_t {
  email = 0,
  first_name = 1,
  last_name = 2,
  salutation = 3,
  phone = 4,
  mobile = 5,
  designation = 6,  // "title" in CRM, "jobTitle" in Contracts
  department = 7,
  skype = 8,
};

inline constexpr std::size_t kFieldCount = 9;

inline constexpr std::array<Field, kFieldCount> kAllFields = {
    Field::email,  Field::first_name,  Field::last_name,  Field::salutation, Field::phone,
    Field::mobile, Field::designation, Field::department, Field::skype};

inline constexpr std::size_t index_of(Field field) {
  return static_cast<std::size_t>(field);
}

std::string_view field_name(Field field);
std::optional<Field> field_from_name(std::string_view name);

// One value per canonical field; "" means blank.
struct FieldValues {
  std::array<std::string, kFieldCount> values{};

  const std::string& operator[](Field field) const { return values[index_of(field)]; }
  std::string& operator[](Field field) { return values[index_of(field)]; }
  bool operator==(const FieldValues&) const = default;
};

}  // namespace zohosync::mapping
