#include "mapping/push.hpp"

#include "mapping/actions.hpp"
#include "mapping/normalize.hpp"
#include "mapping/selection.hpp"
#include "mapping/target.hpp"

namespace zohosync::mapping {

namespace {

// An update for each linked record that is stale.
void push_updates(StateAccess& st, const SyncSettings& s, const PersonRow& person,
                  const std::vector<LinkRow>& links,
                  const std::set<std::string, std::less<>>& unreachable, PlanSink& sink) {
  for (const LinkRow& link : links) {
    const CollectionSettings* cs = s.collection(link.collection);
    const CollectionSpec* spec = find_collection(link.collection);
    if (cs == nullptr || spec == nullptr || !cs->enabled)
      continue;
    DiffOptions options;
    options.blank_overwrites = &s.blank_overwrites;
    TargetDiff diff = diff_for_target(*spec, *cs, person.values, link.base, options);
    if (diff.empty())
      continue;
    if (unreachable.count(link.collection)) {
      sink.deferred(link.collection);
      continue;
    }
    // Fields held by a manual conflict on this link are not written.
    bool any_held = false;
    for (const FieldChange& c : diff.changes) {
      if (st.conflict(person.id, c.field, link.collection)) {
        options.held[index_of(c.field)] = true;
        any_held = true;
      }
    }
    if (any_held) {
      diff = diff_for_target(*spec, *cs, person.values, link.base, options);
      if (diff.empty())
        continue;
    }
    const ActionSubject subject{link.collection, link.record_id, person.id,
                                person.values[Field::email]};
    const std::string& origin = person.origins[index_of(diff.changes.front().field)].collection;
    if (!diff.error.empty()) {
      Action a = make_action(ActionKind::refuse, subject, "per-record error: " + diff.error);
      a.parent_id = link.parent_id;
      a.origin_collection = origin;
      sink.emit(std::move(a));
      continue;
    }
    Action a = make_action(ActionKind::update, subject,
                           link.collection + " is stale: " + describe_changes(diff.changes) +
                               " (from " + origin + ")");
    a.parent_id = link.parent_id;
    a.origin_collection = origin;
    a.changes = std::move(diff.changes);
    a.payload = std::move(diff.payload);
    sink.emit(std::move(a));
  }
}

// A create in each create target the person has no record in.
void push_creates(StateAccess& st, const SyncSettings& s, const PersonRow& person,
                  const std::vector<LinkRow>& links,
                  const std::set<std::string, std::less<>>& unreachable, PlanSink& sink) {
  const std::string email = normalize_email(person.values[Field::email]);
  for (const CollectionSettings& cs : s.collections) {
    if (!cs.enabled || !cs.create_target)
      continue;
    const CollectionSpec* spec = find_collection(cs.id);
    if (spec == nullptr)
      continue;
    bool linked = false;
    for (const LinkRow& link : links)
      linked = linked || link.collection == cs.id;
    if (linked || email.empty())
      continue;
    if (unreachable.count(cs.id)) {
      sink.deferred(cs.id);
      continue;
    }
    if (st.tombstoned(cs.id, email))
      continue;  // deleted there before: not re-created
    const ActionSubject subject{cs.id, {}, person.id, person.values[Field::email]};
    // Its kind and reason are set below, once known.
    Action a = make_action(ActionKind::skip, subject, {});
    a.parent_id = cs.default_parent_id;
    a.origin_collection = person.origins[index_of(Field::email)].collection;
    if (auto held = st.email_held(cs.id, email); held && held->person != person.id) {
      // Another person's record there holds this email under an open
      // conflict: a create would find that record and be refused, at the
      // cost of a lookup, every time this person changes.
      a.reason = cs.id + " record " + held->record_id + " of another person holds " +
                 quoted_email(email) +
                 " under an open conflict: no create until it is resolved (zohosync conflicts)";
      sink.emit(std::move(a));
      continue;
    }
    if (spec->requires_parent && cs.default_parent_id.empty()) {
      a.reason = cs.id + " needs a parent id to create a record and none is configured";
      sink.emit(std::move(a));
      continue;
    }
    DiffOptions options;
    options.for_create = true;
    TargetDiff diff = diff_for_target(*spec, cs, person.values, FieldValues{}, options);
    if (!diff.error.empty()) {
      a.kind = ActionKind::refuse;
      a.reason = "per-record error: " + diff.error;
      sink.emit(std::move(a));
      continue;
    }
    add_create_values(cs, diff.payload);
    if (const common::IncludeRule* rule = failed_rule(cs, diff.payload)) {
      // Made, it would be left out by the next listing and stay behind
      // unlinked (say a rule on a person field the person's value misses).
      a.reason = "a record created from this person would be left out by " + cs.id +
                 "'s include rule \"" + rule->text + "\": not created";
      sink.emit(std::move(a));
      continue;
    }
    a.kind = ActionKind::create;
    a.reason = "create target " + cs.id + " has no record for this person (first seen in " +
               a.origin_collection + ")";
    a.changes = std::move(diff.changes);
    a.payload = std::move(diff.payload);
    sink.emit(std::move(a));
  }
}

}  // namespace

void push_person(StateAccess& state, const SyncSettings& settings, PersonId id,
                 const std::set<std::string, std::less<>>& unreachable, PlanSink& sink) {
  auto person = state.person(id);
  if (!person || person->quarantined)
    return;
  const std::vector<LinkRow> links = state.links_of(id);
  push_updates(state, settings, *person, links, unreachable, sink);
  push_creates(state, settings, *person, links, unreachable, sink);
}

}  // namespace zohosync::mapping
