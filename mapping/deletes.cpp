#include "mapping/deletes.hpp"

#include <algorithm>
#include <set>
#include <string_view>
#include <unordered_set>

#include "mapping/actions.hpp"
#include "mapping/normalize.hpp"

namespace zohosync::mapping {

namespace {

void on_deleted(StateAccess& st, const SyncSettings& s, const CollectionSettings& cs,
                const std::string& record_id, std::int64_t now, PlanSink& sink,
                std::set<PersonId>& deleting) {
  auto link = st.link(cs.id, record_id);
  if (!link)
    return;
  auto person = st.person(link->person);
  const std::string email = person ? normalize_email(person->values[Field::email]) : "";
  const std::string person_email = person ? person->values[Field::email] : "";
  const ActionSubject subject{cs.id, record_id, link->person, person_email};
  // Also drops the conflicts held on the deleted record: they hold nothing
  // any more.
  st.erase_link(cs.id, record_id);
  std::string reason;
  switch (cs.on_delete.value_or(s.on_delete)) {
    case OnDelete::ignore:
      reason = "deleted in " + cs.id + "; on_delete = ignore: link dropped, nothing else";
      break;
    case OnDelete::unlink:
      if (!email.empty())
        st.put_tombstone(cs.id, email, now);
      reason = "deleted in " + cs.id +
               ": unlinked; the person and other products keep "
               "their data; a tombstone stops re-creating it there";
      break;
    case OnDelete::propagate:
      if (!email.empty())
        st.put_tombstone(cs.id, email, now);
      reason = "deleted in " + cs.id + ": on_delete = propagate deletes it everywhere";
      deleting.insert(link->person);
      // Every enabled collection gets a tombstone, not only those holding a
      // record now: a create planned there earlier may still wait in the
      // outbox (its product paced or down), and sent after this delete it
      // would bring the person back everywhere. The sender drops a create
      // that meets a tombstone.
      if (!email.empty()) {
        for (const CollectionSettings& each : s.collections) {
          if (each.enabled)
            st.put_tombstone(each.id, email, now);
        }
      }
      for (const LinkRow& other : st.links_of(link->person)) {
        const CollectionSettings* ocs = s.collection(other.collection);
        if (ocs == nullptr || !ocs->enabled)
          continue;
        // A product that did not answer this cycle gets its delete all the
        // same: it waits in the outbox until the product takes it. Planned
        // later there would be no trace of it: this record's link, the one
        // thing that says the person was deleted, is gone after this cycle.
        sink.emit(make_action(
            ActionKind::remove, {other.collection, other.record_id, link->person, person_email},
            "deleted in " + cs.id + " (record " + record_id + "); on_delete = propagate", cs.id,
            record_id));
      }
      break;
  }
  sink.emit(make_action(ActionKind::unlink, subject, std::move(reason), cs.id, record_id));
  if (st.links_of(link->person).empty())
    st.erase_person(link->person);
}

}  // namespace

std::vector<std::string> deleted_under_complete_parents(StateAccess& state,
                                                        const Observation& obs) {
  std::vector<std::string> gone;
  if (obs.complete_parents.empty() || obs.full)
    return gone;
  std::set<std::string_view> listed;
  for (const auto& r : obs.records)
    listed.insert(r.id);
  const std::set<std::string_view> named(obs.deleted.begin(), obs.deleted.end());
  state.for_each_link(obs.collection, [&](const LinkRow& link) {
    if (obs.complete_parents.count(link.parent_id) != 0 && listed.count(link.record_id) == 0 &&
        named.count(link.record_id) == 0 && obs.not_judged.count(link.record_id) == 0)
      gone.push_back(link.record_id);
  });
  return gone;
}

std::vector<std::string> disappeared(StateAccess& state, const Observation& obs,
                                     std::vector<std::string> inferred,
                                     const std::unordered_set<std::string_view>& seen) {
  std::vector<std::string> gone;
  for (const auto& id : obs.deleted) {
    if (state.link(obs.collection, id))
      gone.push_back(id);
  }
  for (auto& id : inferred) {
    if (state.link(obs.collection, id))
      gone.push_back(std::move(id));
  }
  if (obs.full) {
    for (std::string& record_id : state.linked_records(obs.collection)) {
      if (!seen.count(record_id) && obs.not_judged.count(record_id) == 0)
        gone.push_back(std::move(record_id));
    }
    std::sort(gone.begin(), gone.end());
    gone.erase(std::unique(gone.begin(), gone.end()), gone.end());
  }
  return gone;
}

std::optional<std::size_t> mass_delete_refusal(StateAccess& st, const SyncSettings& s,
                                               std::string_view collection, std::size_t count) {
  if (s.force_delete || count <= s.mass_delete_min)
    return std::nullopt;
  const std::size_t linked = st.link_count(collection);
  if (static_cast<double>(count) <= s.mass_delete_share * static_cast<double>(linked))
    return std::nullopt;
  return linked;
}

void plan_deletes(StateAccess& st, const SyncSettings& s, const CollectionSettings& cs,
                  const std::vector<std::string>& gone, std::int64_t now, PlanSink& sink,
                  std::set<PersonId>& deleting) {
  if (gone.empty())
    return;
  if (auto linked = mass_delete_refusal(st, s, cs.id, gone.size())) {
    sink.emit(make_action(ActionKind::refuse, {cs.id},
                          "mass-delete guard: " + std::to_string(gone.size()) + " of " +
                              std::to_string(*linked) + " linked records disappeared from " +
                              cs.id +
                              "; nothing deleted or unlinked (override with --force-delete)"));
    return;
  }
  for (const auto& id : gone)
    on_deleted(st, s, cs, id, now, sink, deleting);
}

}  // namespace zohosync::mapping
