#include "mapping/actions.hpp"

namespace zohosync::mapping {

std::string_view to_string(ActionKind kind) {
  switch (kind) {
    case ActionKind::create:
      return "create";
    case ActionKind::update:
      return "update";
    case ActionKind::remove:
      return "delete";
    case ActionKind::link:
      return "link";
    case ActionKind::unlink:
      return "unlink";
    case ActionKind::conflict:
      return "conflict";
    case ActionKind::record_only:
      return "record";
    case ActionKind::skip:
      return "skip";
    case ActionKind::duplicate:
      return "duplicate";
    case ActionKind::quarantine:
      return "quarantine";
    case ActionKind::refuse:
      return "refuse";
  }
  return "record";
}

Action make_action(ActionKind kind, const ActionSubject& subject, std::string reason) {
  Action a;
  a.kind = kind;
  a.collection = subject.collection;
  a.record_id = subject.record_id;
  a.person = subject.person;
  a.person_email = subject.person_email;
  a.reason = std::move(reason);
  return a;
}

Action make_action(ActionKind kind, const ActionSubject& subject, std::string reason,
                   std::string_view origin_collection, std::string_view origin_record) {
  Action a = make_action(kind, subject, std::move(reason));
  a.origin_collection = origin_collection;
  a.origin_record = origin_record;
  return a;
}

std::string describe_changes(const std::vector<FieldChange>& changes) {
  std::string out;
  for (const auto& c : changes) {
    if (!out.empty())
      out += ", ";
    out += std::string(field_name(c.field)) + " '" + c.before + "' -> '" + c.after + "'";
  }
  return out;
}

std::string quoted_email(std::string_view email) {
  if (email.size() <= 80)
    return "'" + std::string(email) + "'";
  return "'" + std::string(email.substr(0, 80)) + "...'";
}

}  // namespace zohosync::mapping
