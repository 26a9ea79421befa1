#include "mapping/collections.hpp"

#include "mapping/normalize.hpp"

namespace zohosync::mapping {

namespace {

// Limits from the products' documentation; where it says nothing (marked
// UNCONFIRMED in the API notes) 100 is assumed, the common Zoho text limit.
std::vector<CollectionSpec> make_builtin() {
  std::vector<CollectionSpec> specs;
  specs.push_back(CollectionSpec{"inventory.contact_persons",
                                 {{"salutation", Field::salutation, 25},
                                  {"first_name", Field::first_name, 100, true},
                                  {"last_name", Field::last_name, 100},
                                  {"email", Field::email, 100, true},
                                  {"phone", Field::phone, 50},
                                  {"mobile", Field::mobile, 50},
                                  {"skype", Field::skype, 50},
                                  {"designation", Field::designation, 50},
                                  {"department", Field::department, 50}},
                                 {},
                                 0,
                                 false,
                                 true});
  specs.push_back(CollectionSpec{
      "inventory.users", {{"email", Field::email, 100, true}}, "name", 100, true, false});
  specs.push_back(CollectionSpec{"projects.contacts",
                                 {{"first_name", Field::first_name, 100, true},
                                  {"last_name", Field::last_name, 100, true},
                                  {"email", Field::email, 100, true}},
                                 {},
                                 0,
                                 false,
                                 true});
  specs.push_back(CollectionSpec{"crm.contacts",
                                 {{"Salutation", Field::salutation, 25},
                                  {"First_Name", Field::first_name, 40},
                                  {"Last_Name", Field::last_name, 80, true},
                                  {"Email", Field::email, 100, true},
                                  {"Phone", Field::phone, 30},
                                  {"Mobile", Field::mobile, 30},
                                  {"Title", Field::designation, 100},
                                  {"Department", Field::department, 100},
                                  {"Skype_ID", Field::skype, 50}},
                                 {},
                                 0,
                                 false,
                                 false});
  specs.push_back(CollectionSpec{"contracts.counterparty_contacts",
                                 {{"emailId", Field::email, 100, true}},
                                 "displayName",
                                 100,
                                 true,
                                 true});
  return specs;
}

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && s.substr(0, prefix.size()) == prefix;
}
bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

}  // namespace

bool CollectionSpec::carries(Field field) const {
  if (!full_name_field.empty() && (field == Field::first_name || field == Field::last_name)) {
    return true;
  }
  for (const auto& f : fields) {
    if (f.field == field)
      return true;
  }
  return false;
}

std::string_view CollectionSpec::email_field() const {
  for (const auto& f : fields) {
    if (f.field == Field::email)
      return f.name;
  }
  return {};
}

const std::vector<CollectionSpec>& builtin_collections() {
  static const std::vector<CollectionSpec> specs = make_builtin();
  return specs;
}

const CollectionSpec* find_collection(std::string_view id) {
  for (const auto& spec : builtin_collections()) {
    if (spec.id == id)
      return &spec;
  }
  return nullptr;
}

std::string compose_full_name(std::string_view first, std::string_view last) {
  std::string f = collapse_whitespace(first);
  std::string l = collapse_whitespace(last);
  if (f.empty())
    return l;
  if (l.empty())
    return f;
  return f + " " + l;
}

NameParts split_full_name(std::string_view full, const FieldValues* hint_a,
                          const FieldValues* hint_b) {
  const std::string name = collapse_whitespace(full);
  const FieldValues* hints[] = {hint_a, hint_b};
  // Unchanged name: keep the split we already know, exactly as stored.
  for (const FieldValues* hint : hints) {
    if (hint != nullptr &&
        compose_full_name((*hint)[Field::first_name], (*hint)[Field::last_name]) == name) {
      return {(*hint)[Field::first_name], (*hint)[Field::last_name]};
    }
  }
  // Partly changed: keep the part that still matches.
  for (const FieldValues* hint : hints) {
    if (hint == nullptr)
      continue;
    std::string first = collapse_whitespace((*hint)[Field::first_name]);
    std::string last = collapse_whitespace((*hint)[Field::last_name]);
    if (!first.empty() && starts_with(name, first + " ")) {
      return {first, name.substr(first.size() + 1)};
    }
    if (!last.empty() && ends_with(name, " " + last)) {
      return {name.substr(0, name.size() - last.size() - 1), last};
    }
  }
  // No hint applies: the last word is the last name; a single word is a last
  // name only (CRM and Projects require a last name, not a first one).
  auto space = name.rfind(' ');
  if (space == std::string::npos)
    return {"", name};
  return {name.substr(0, space), name.substr(space + 1)};
}

FieldValues project(const CollectionSpec& spec, const NativeFields& native,
                    const FieldValues* hint_a, const FieldValues* hint_b) {
  FieldValues out;
  for (const auto& f : spec.fields) {
    auto it = native.find(f.name);
    if (it != native.end())
      out[f.field] = it->second;
  }
  if (!spec.full_name_field.empty()) {
    auto it = native.find(spec.full_name_field);
    if (it != native.end()) {
      NameParts parts = split_full_name(it->second, hint_a, hint_b);
      out[Field::first_name] = std::move(parts.first);
      out[Field::last_name] = std::move(parts.last);
    }
  }
  return out;
}

std::string native_value(const CollectionSpec& spec, std::string_view native_name,
                         const FieldValues& values) {
  if (!spec.full_name_field.empty() && native_name == spec.full_name_field) {
    return compose_full_name(values[Field::first_name], values[Field::last_name]);
  }
  for (const auto& f : spec.fields) {
    if (f.name == native_name)
      return values[f.field];
  }
  return {};
}

}  // namespace zohosync::mapping
