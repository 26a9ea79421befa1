#pragma once
// The five collections: which native field carries which canonical field, the
// products' length limits, and the projection between a native record and the
// canonical fields (including composing and splitting full names).

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "mapping/fields.hpp"

namespace zohosync::mapping {

// A record's fields as the product names them. The connectors use the same type.
using NativeFields = std::map<std::string, std::string, std::less<>>;

struct NativeField {
  std::string_view name;
  Field field;
  std::size_t max_length;  // in bytes of UTF-8; 0 = unknown, not checked
  bool required = false;   // must be non-blank on create
};

struct CollectionSpec {
  std::string_view id;
  std::vector<NativeField> fields;
  // Non-empty for products holding one display name: first_name and
  // last_name are composed into this native field and split back.
  std::string_view full_name_field;
  std::size_t full_name_max = 0;
  bool full_name_required = false;
  bool requires_parent = false;  // creates need a parent id

  bool carries(Field field) const;
  // The native field name of the email (used by find_by_email and creates).
  std::string_view email_field() const;
};

// The built-in collections (DESIGN.md's table); nullptr when unknown.
const CollectionSpec* find_collection(std::string_view id);
const std::vector<CollectionSpec>& builtin_collections();

// "First Last" with whitespace collapsed; either part may be blank.
std::string compose_full_name(std::string_view first, std::string_view last);

struct NameParts {
  std::string first;
  std::string last;
};
// Split a display name back into first/last. Hints (the link's base, then the
// person) are tried first so an unchanged or partly changed name keeps its
// split: compose(split(x)) == collapse(x) always, and split(compose(f, l)) ==
// (f, l) whenever (f, l) is one of the hints.
NameParts split_full_name(std::string_view full, const FieldValues* hint_a = nullptr,
                          const FieldValues* hint_b = nullptr);

// The canonical view of a native record (fields the collection does not carry
// stay blank). Hints are passed to split_full_name.
FieldValues project(const CollectionSpec& spec, const NativeFields& native,
                    const FieldValues* hint_a = nullptr, const FieldValues* hint_b = nullptr);

// One native field's value for `values`.
std::string native_value(const CollectionSpec& spec, std::string_view native_name,
                         const FieldValues& values);

}  // namespace zohosync::mapping
