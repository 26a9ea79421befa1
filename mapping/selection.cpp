#include "mapping/selection.hpp"

namespace zohosync::mapping {

const common::IncludeRule* failed_rule(const CollectionSettings& settings,
                                       const NativeFields& fields) {
  for (const common::IncludeRule& rule : settings.include) {
    const auto it = fields.find(rule.field);
    const std::string_view value = it == fields.end() ? std::string_view() : it->second;
    if (!common::rule_holds(rule, value))
      return &rule;
  }
  return nullptr;
}

void add_create_values(const CollectionSettings& settings, NativeFields& payload) {
  for (const common::IncludeRule& rule : settings.include) {
    if (auto value = common::value_for_create(rule))
      payload.try_emplace(rule.field, std::move(*value));
  }
}

void drop_create_values(const CollectionSettings& settings, NativeFields& payload) {
  const CollectionSpec* spec = find_collection(settings.id);
  for (const common::IncludeRule& rule : settings.include) {
    bool person_field = false;
    if (spec != nullptr) {
      for (const NativeField& field : spec->fields)
        person_field = person_field || field.name == rule.field;
    }
    if (!person_field)
      payload.erase(rule.field);
  }
}

}  // namespace zohosync::mapping
