#include "daemon/engine/plan_recorder.hpp"

#include "state/outbox.hpp"
#include "state/store.hpp"

namespace zohosync::daemon {

using connectors::ErrorClass;
using mapping::Action;
using mapping::ActionKind;

void PlanRecorder::emit(Action&& a) {
  CollectionCounts& c = report_.collections[a.collection];
  switch (a.kind) {
    case ActionKind::create:
      ++c.creates;
      break;
    case ActionKind::update:
      ++c.updates;
      break;
    case ActionKind::remove:
      ++c.deletes;
      break;
    case ActionKind::link:
      ++c.links;
      break;
    case ActionKind::unlink:
      ++c.unlinks;
      break;
    case ActionKind::conflict:
      ++c.conflicts;
      if (a.held)
        ++c.held;
      break;
    case ActionKind::record_only:
      break;
    case ActionKind::skip:
      ++c.skipped;
      break;
    case ActionKind::duplicate:
      ++c.duplicates;
      break;
    case ActionKind::quarantine:
      ++c.quarantined;
      break;
    case ActionKind::refuse:
      ++c.refused;
      report_.failures.push_back(
          {a.collection, a.record_id, a.person_email, ErrorClass::per_record, a.reason});
      break;
  }
  if (mapping::is_write(a.kind)) {
    write_targets_.insert(a.collection);
    ++report_.planned_writes;
    if (!options_.dry_run)
      state::Outbox::put(txn_, store_, a);
  }
  if (options_.keep_actions)
    report_.actions.push_back(std::move(a));
}

}  // namespace zohosync::daemon
