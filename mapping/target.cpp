#include "mapping/target.hpp"

#include "mapping/normalize.hpp"

namespace zohosync::mapping {

namespace {
std::string too_long(std::string_view collection, std::string_view native, std::size_t size,
                     std::size_t max) {
  return std::string(collection) + " field " + std::string(native) + " is " + std::to_string(size) +
         " bytes, longer than its limit of " + std::to_string(max) + " (not truncated)";
}
}  // namespace

TargetDiff diff_for_target(const CollectionSpec& spec, const CollectionSettings& settings,
                           const FieldValues& person, const FieldValues& base,
                           const DiffOptions& options) {
  TargetDiff diff;
  auto blank_may_overwrite = [&](Field f) {
    return f != Field::email && options.blank_overwrites != nullptr &&
           (*options.blank_overwrites)[index_of(f)];
  };
  for (const NativeField& nf : spec.fields) {
    const Field f = nf.field;
    const bool writable =
        writes(settings.direction(f)) || (options.for_create && f == Field::email);
    if (!writable || options.held[index_of(f)])
      continue;
    const std::string& want = person[f];
    const std::string& have = base[f];
    if (options.for_create) {
      if (is_blank(want))
        continue;
    } else {
      if (equivalent(f, want, have))
        continue;
      // A blank never overwrites a value unless the field opts in.
      if (is_blank(want) && !blank_may_overwrite(f))
        continue;
    }
    if (nf.max_length != 0 && want.size() > nf.max_length && diff.error.empty()) {
      diff.error = too_long(spec.id, nf.name, want.size(), nf.max_length);
    }
    // Emails go out without surrounding whitespace: products refuse them
    // (CRM: INVALID_DATA) even where another product stored them that way.
    diff.payload[std::string(nf.name)] = f == Field::email ? std::string(trim(want)) : want;
    diff.changes.push_back({f, options.for_create ? std::string() : have, want});
  }
  if (!spec.full_name_field.empty()) {
    const bool writable = (writes(settings.direction(Field::first_name)) ||
                           writes(settings.direction(Field::last_name))) &&
                          !options.held[index_of(Field::first_name)] &&
                          !options.held[index_of(Field::last_name)];
    std::string want = compose_full_name(person[Field::first_name], person[Field::last_name]);
    std::string have = compose_full_name(base[Field::first_name], base[Field::last_name]);
    const bool send = writable && !want.empty() && (options.for_create || want != have);
    if (send) {
      if (spec.full_name_max != 0 && want.size() > spec.full_name_max && diff.error.empty()) {
        diff.error = too_long(spec.id, spec.full_name_field, want.size(), spec.full_name_max);
      }
      for (Field f : {Field::first_name, Field::last_name}) {
        if (options.for_create ? !person[f].empty() : !equivalent(f, person[f], base[f])) {
          diff.changes.push_back({f, options.for_create ? std::string() : base[f], person[f]});
        }
      }
      diff.payload[std::string(spec.full_name_field)] = std::move(want);
    }
  }
  if (options.for_create && diff.error.empty()) {
    for (const NativeField& nf : spec.fields) {
      if (nf.required && diff.payload.find(nf.name) == diff.payload.end()) {
        diff.error = std::string(spec.id) + " requires " + std::string(nf.name) +
                     " on create, and the person has no " + std::string(field_name(nf.field));
        break;
      }
    }
    if (diff.error.empty() && spec.full_name_required &&
        diff.payload.find(spec.full_name_field) == diff.payload.end()) {
      diff.error = std::string(spec.id) + " requires " + std::string(spec.full_name_field) +
                   " on create, and the person has no name";
    }
  }
  return diff;
}

FieldValues project_onto(const CollectionSpec& spec, const NativeFields& native,
                         const FieldValues& base, const FieldValues* person_hint) {
  FieldValues out = base;
  for (const NativeField& nf : spec.fields) {
    auto it = native.find(nf.name);
    if (it != native.end())
      out[nf.field] = it->second;
  }
  if (!spec.full_name_field.empty()) {
    auto it = native.find(spec.full_name_field);
    if (it != native.end()) {
      NameParts parts = split_full_name(it->second, person_hint, &base);
      out[Field::first_name] = std::move(parts.first);
      out[Field::last_name] = std::move(parts.last);
    }
  }
  return out;
}

}  // namespace zohosync::mapping
