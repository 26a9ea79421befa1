// Engine::resolve_conflict for a conflict named by its collection (or the one
// open conflict of the person on the field, when none is named): settles it
// in the store and queues the writes it implies in the outbox, in one
// transaction (sent by the next cycle, or right away with drain()).
#include <string>
#include <string_view>

#include "daemon/engine/engine.hpp"
#include "mapping/planner.hpp"
#include "state/outbox.hpp"
#include "state/store.hpp"
#include "state/tables.hpp"

namespace zohosync::daemon {

namespace {

// Puts every planned write into the outbox; reports nothing (the resolve
// itself is what the user asked for).
class OutboxSink final : public mapping::PlanSink {
 public:
  OutboxSink(state::WriteTxn& txn, const state::Store& store) : txn_(txn), store_(store) {}

  void emit(mapping::Action&& a) override {
    if (mapping::is_write(a.kind))
      state::Outbox::put(txn_, store_, a);
  }

 private:
  state::WriteTxn& txn_;
  const state::Store& store_;
};

}  // namespace

std::string Engine::resolve_conflict(mapping::PersonId person, mapping::Field field,
                                     std::string_view collection, mapping::Take take,
                                     std::int64_t now_ms) {
  auto txn = store_.begin_write();
  state::Tables tables(txn, store_);
  if (auto error = mapping::resolve_conflict(tables, person, field, collection, take, now_ms))
    return *error;
  OutboxSink sink(txn, store_);
  const mapping::PersonId people[] = {person};
  mapping::plan_push(tables, people, settings_, now_ms, sink);
  std::move(txn).commit();
  return {};
}

std::string Engine::resolve_conflict(mapping::PersonId person, mapping::Field field,
                                     mapping::Take take, std::int64_t now_ms) {
  return resolve_conflict(person, field, std::string_view(), take, now_ms);
}

}  // namespace zohosync::daemon
