#include "mapping/confirmed_link.hpp"

#include "mapping/target.hpp"

namespace zohosync::mapping {

LinkRow confirmed_link(const CollectionSpec& spec, const Action& write,
                       const ObservedRecord& stored, LinkRow previous,
                       const FieldValues* person_hint) {
  LinkRow row = std::move(previous);
  row.collection = write.collection;
  row.record_id = stored.id;
  row.person = write.person;
  if (write.kind == ActionKind::update) {
    NativeFields written;
    for (const auto& [name, value] : stored.fields) {
      if (write.payload.count(name) != 0)
        written.emplace(name, value);
    }
    row.base = project_onto(spec, written, row.base, person_hint);
  } else {
    row.base = project_onto(spec, stored.fields, row.base, person_hint);
  }
  row.remote_time = stored.modified_ms;
  if (!stored.parent_id.empty()) {
    row.parent_id = stored.parent_id;
  } else if (row.parent_id.empty()) {
    row.parent_id = write.parent_id;
  }
  return row;
}

}  // namespace zohosync::mapping
