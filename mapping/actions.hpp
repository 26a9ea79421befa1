#pragma once
// The one way the planner makes an action, and the words actions are shown
// with.

#include <string>
#include <string_view>
#include <vector>

#include "mapping/model.hpp"

namespace zohosync::mapping {

// What an action is about: the record (or the target of a write) and the
// person.
struct ActionSubject {
  std::string_view collection;
  std::string_view record_id = {};
  PersonId person = 0;
  std::string_view person_email = {};
};

Action make_action(ActionKind kind, const ActionSubject& subject, std::string reason);

// The same, with the change's origin: the record it was read from.
Action make_action(ActionKind kind, const ActionSubject& subject, std::string reason,
                   std::string_view origin_collection, std::string_view origin_record);

// "first_name 'Ann' -> 'Anna', ..." for reasons.
std::string describe_changes(const std::vector<FieldChange>& changes);

// An email as a reason quotes it: at most 80 bytes of it.
std::string quoted_email(std::string_view email);

}  // namespace zohosync::mapping
