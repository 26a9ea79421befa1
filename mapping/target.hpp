#pragma once
// What a target record should receive: the difference between the person and
// a link's base, as native fields to send plus canonical before/after values.
// Used by the planner (updates, creates) and by the executor when a lookup by
// email finds the record a create was about to make.

#include <string>

#include "mapping/collections.hpp"
#include "mapping/model.hpp"
#include "mapping/settings.hpp"

namespace zohosync::mapping {

struct TargetDiff {
  NativeFields payload;
  std::vector<FieldChange> changes;  // canonical before/after
  std::string error;  // non-empty: a per-record error (too long, required field blank)
  bool empty() const { return payload.empty(); }
};

struct DiffOptions {
  bool for_create = false;               // base is ignored: every writable non-blank field is sent
  std::array<bool, kFieldCount> held{};  // fields held by an open conflict: not sent
  const std::array<bool, kFieldCount>* blank_overwrites = nullptr;
};

TargetDiff diff_for_target(const CollectionSpec& spec, const CollectionSettings& settings,
                           const FieldValues& person, const FieldValues& base,
                           const DiffOptions& options);

// `base` with the fields present in `native` replaced by their projection (a
// connector answer without a field leaves that field's base alone).
FieldValues project_onto(const CollectionSpec& spec, const NativeFields& native,
                         const FieldValues& base, const FieldValues* person_hint);

}  // namespace zohosync::mapping
