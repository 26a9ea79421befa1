#include "mapping/planner.hpp"

#include <algorithm>
#include <set>
#include <unordered_set>

#include "mapping/merge.hpp"
#include "mapping/normalize.hpp"
#include "mapping/target.hpp"

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

std::string describe_changes(const std::vector<FieldChange>& changes) {
  std::string out;
  for (const auto& c : changes) {
    if (!out.empty())
      out += ", ";
    out += std::string(field_name(c.field)) + " '" + c.before + "' -> '" + c.after + "'";
  }
  return out;
}

namespace {

// True when the native record names the field at all. A field a product left
// out of its answer is unknown, not blank: it is neither merged nor recorded
// in the link's base (JSON null and "" are blank, which the parsers keep).
bool observed(const CollectionSpec& spec, const NativeFields& native, Field field) {
  if (!spec.full_name_field.empty() && (field == Field::first_name || field == Field::last_name))
    return native.find(spec.full_name_field) != native.end();
  for (const NativeField& nf : spec.fields) {
    if (nf.field == field)
      return native.find(nf.name) != native.end();
  }
  return false;
}

// An email as a reason quotes it: at most 80 bytes of it.
std::string quoted_email(std::string_view email) {
  if (email.size() <= 80)
    return "'" + std::string(email) + "'";
  return "'" + std::string(email.substr(0, 80)) + "...'";
}

class Planner {
 public:
  Planner(StateAccess& state, const SyncSettings& settings, std::int64_t now_ms, PlanSink& sink)
      : st_(state), s_(settings), now_(now_ms), sink_(sink) {}

  void push_only(std::span<const PersonId> people) {
    for (PersonId id : people)
      push(id);
  }

  void run(std::span<const Observation> observations) {
    for (const Observation& obs : observations) {
      if (!obs.complete)
        unreachable_.insert(obs.collection);
    }
    for (const CollectionSettings& cs : s_.collections) {
      if (!cs.enabled)
        continue;
      const CollectionSpec* spec = find_collection(cs.id);
      if (spec == nullptr)
        continue;
      for (const Observation& obs : observations) {
        if (obs.collection != cs.id)
          continue;
        if (!obs.complete) {
          Action a;
          a.kind = ActionKind::skip;
          a.collection = cs.id;
          a.reason = cs.id +
                     " could not be listed completely: treated as unknown (no deletes "
                     "inferred, nothing written to it this cycle)";
          sink_.emit(std::move(a));
          continue;
        }
        ingest(cs, *spec, obs);
      }
    }
    for (PersonId id : touched_)
      push(id);
  }

 private:
  // ---- step 1: ingest ----------------------------------------------------

  void ingest(const CollectionSettings& cs, const CollectionSpec& spec, const Observation& obs) {
    std::vector<const ObservedRecord*> order;
    order.reserve(obs.records.size());
    for (const auto& r : obs.records)
      order.push_back(&r);
    // Oldest first, so that of two records sharing an email the oldest is linked.
    std::stable_sort(order.begin(), order.end(), [](const auto* a, const auto* b) {
      if (a->created_ms != b->created_ms)
        return a->created_ms < b->created_ms;
      return a->id < b->id;
    });
    std::unordered_set<std::string_view> seen;
    if (obs.full)
      seen.reserve(order.size());
    for (const ObservedRecord* rec : order) {
      if (obs.full)
        seen.insert(rec->id);
      if (auto link = st_.link(cs.id, rec->id)) {
        if (auto person = st_.person(link->person)) {
          merge_record(cs, spec, *rec, &*link, std::move(*person));
          continue;
        }
        st_.erase_link(cs.id, rec->id);  // a link to a vanished person: start over
      }
      new_record(cs, spec, *rec);
    }
    std::vector<std::string> gone;
    for (const auto& id : obs.deleted) {
      if (st_.link(cs.id, id))
        gone.push_back(id);
    }
    if (obs.full) {
      for (std::string& record_id : st_.linked_records(cs.id)) {
        if (!seen.count(record_id))
          gone.push_back(std::move(record_id));
      }
      std::sort(gone.begin(), gone.end());
      gone.erase(std::unique(gone.begin(), gone.end()), gone.end());
    }
    if (gone.empty())
      return;
    if (!s_.force_delete && gone.size() > s_.mass_delete_min) {
      const std::size_t linked = st_.link_count(cs.id);
      if (static_cast<double>(gone.size()) > s_.mass_delete_share * static_cast<double>(linked)) {
        Action a;
        a.kind = ActionKind::refuse;
        a.collection = cs.id;
        a.reason = "mass-delete guard: " + std::to_string(gone.size()) + " of " +
                   std::to_string(linked) + " linked records disappeared from " + cs.id +
                   "; nothing deleted or unlinked (override with --force-delete)";
        sink_.emit(std::move(a));
        return;
      }
    }
    for (const auto& id : gone)
      on_deleted(cs, id);
  }

  void new_record(const CollectionSettings& cs, const CollectionSpec& spec,
                  const ObservedRecord& rec) {
    FieldValues remote = project(spec, rec.fields);
    const std::string email = normalize_email(remote[Field::email]);
    if (email.empty()) {
      Action a;
      a.kind = ActionKind::skip;
      a.collection = cs.id;
      a.record_id = rec.id;
      a.reason = "record has no email: not synced (people are never matched by name)";
      sink_.emit(std::move(a));
      return;
    }
    if (std::string problem = email_problem(remote[Field::email]); !problem.empty()) {
      Action a;
      a.kind = ActionKind::skip;
      a.collection = cs.id;
      a.record_id = rec.id;
      a.reason = "record's email " + quoted_email(remote[Field::email]) + " " + problem +
                 ": not synced (no person is made from an invalid email)";
      sink_.emit(std::move(a));
      return;
    }
    // A person deleted everywhere this cycle (on_delete = propagate) takes in
    // no new record: one with its email is a person of its own.
    if (auto pid = st_.person_by_email(email); pid && !deleting_.count(*pid)) {
      if (auto person = st_.person(*pid)) {
        for (const LinkRow& l : st_.links_of(*pid)) {
          if (l.collection != cs.id)
            continue;
          Action a;
          a.kind = ActionKind::duplicate;
          a.collection = cs.id;
          a.record_id = rec.id;
          a.person = *pid;
          a.person_email = person->values[Field::email];
          a.reason = "within-product duplicate: record " + l.record_id + " in " + cs.id +
                     " has the same email and is the one linked; neither is touched";
          sink_.emit(std::move(a));
          return;
        }
        if (st_.tombstoned(cs.id, email))
          st_.erase_tombstone(cs.id, email);
        merge_record(cs, spec, rec, nullptr, std::move(*person));
        return;
      }
      st_.erase_email(email);  // index entry without a person: repair
    }
    // A person seen for the first time.
    PersonRow person;
    person.id = st_.allocate_person_id();
    for (Field f : kAllFields) {
      if (!spec.carries(f) || (f != Field::email && !reads(cs.direction(f))))
        continue;
      person.values[f] = remote[f];
      person.origins[index_of(f)] = {rec.modified_ms, cs.id};
    }
    st_.put_person(person);
    st_.put_email(email, person.id);
    LinkRow link;
    link.collection = cs.id;
    link.record_id = rec.id;
    link.person = person.id;
    link.base = remote;
    link.remote_time = rec.modified_ms;
    link.parent_id = rec.parent_id;
    st_.put_link(link);
    touched_.insert(person.id);
    Action a;
    a.kind = ActionKind::link;
    a.collection = cs.id;
    a.record_id = rec.id;
    a.person = person.id;
    a.person_email = person.values[Field::email];
    a.origin_collection = cs.id;
    a.origin_record = rec.id;
    a.reason = "new person from " + cs.id;
    sink_.emit(std::move(a));
  }

  // Merge one observed record into its person. `link` is nullptr for a record
  // linked for the first time (matched by email): the no-base rule applies.
  void merge_record(const CollectionSettings& cs, const CollectionSpec& spec,
                    const ObservedRecord& rec, const LinkRow* link, PersonRow person) {
    const FieldValues* base = link != nullptr ? &link->base : nullptr;
    FieldValues remote = project(spec, rec.fields, base, &person.values);
    LinkRow next;
    if (link != nullptr)
      next = *link;
    next.collection = cs.id;
    next.record_id = rec.id;
    next.person = person.id;
    const std::string old_email = normalize_email(person.values[Field::email]);
    std::vector<FieldChange> adopted;
    bool newly_quarantined = false;

    for (Field f : kAllFields) {
      if (!spec.carries(f))
        continue;
      const Direction dir = cs.direction(f);
      const std::size_t i = index_of(f);
      if (dir == Direction::off || !observed(spec, rec.fields, f))
        continue;
      if (f == Field::email && reads(dir)) {
        if (std::string problem = email_problem(remote[f]); !problem.empty()) {
          // An invalid email is never adopted: the person and the link keep
          // the last valid one, and nothing is written back over the edit.
          Action a;
          a.kind = ActionKind::skip;
          a.collection = cs.id;
          a.record_id = rec.id;
          a.person = person.id;
          a.person_email = person.values[Field::email];
          a.reason = "email " + quoted_email(remote[f]) + " " + problem +
                     ": not adopted, the person keeps " + quoted_email(person.values[Field::email]);
          sink_.emit(std::move(a));
          continue;
        }
      }
      if (!reads(dir)) {
        next.base[f] = remote[f];  // its edits are not read; the push overwrites them
        continue;
      }
      // A field held by an open manual conflict on this record stays held
      // until the two sides agree again (or a user resolves it).
      if (auto open = st_.conflict(person.id, f, cs.id)) {
        if (equivalent(f, remote[f], person.values[f])) {
          st_.erase_conflict(person.id, f, cs.id);
          next.base[f] = remote[f];
          // The email this record held belongs to someone whose create
          // here waited for it (push): that person is pushed again.
          if (f == Field::email) {
            if (auto owner = st_.person_by_email(normalize_email(open->remote_value)))
              touched_.insert(*owner);
          }
        }
        continue;
      }
      MergeInput in;
      in.field = f;
      in.base = base != nullptr ? &(*base)[f] : nullptr;
      in.remote = remote[f];
      in.canonical = person.values[f];
      in.remote_time = rec.modified_ms;
      in.canonical_time = person.origins[i].time_ms;
      in.remote_rank = s_.rank(cs.id);
      in.canonical_rank = s_.rank(person.origins[i].collection);
      in.policy = s_.conflict_policy;
      in.blank_overwrites = f != Field::email && (s_.blank_overwrites[i] || cs.blank_overwrites[i]);
      MergeOutcome outcome = merge_field(in);

      if (takes_remote(outcome) && f == Field::email) {
        const std::string wanted = normalize_email(remote[f]);
        auto owner = st_.person_by_email(wanted);
        if (owner && *owner != person.id) {
          // An email change onto another person's email: a conflict, not a merge.
          hold(cs, rec, person, f, remote[f],
               "email '" + remote[f] + "' already belongs to another person");
          if (base != nullptr)
            next.base[f] = (*base)[f];
          continue;
        }
      }
      if (outcome == MergeOutcome::conflict_held) {
        hold(cs, rec, person, f, remote[f],
             "changed in " + cs.id + " and elsewhere; policy manual holds it");
        next.base[f] = base != nullptr ? (*base)[f] : remote[f];
        continue;
      }
      if (is_conflict(outcome)) {
        Action a;
        a.kind = ActionKind::conflict;
        a.collection = cs.id;
        a.record_id = rec.id;
        a.person = person.id;
        a.person_email = person.values[Field::email];
        a.changes.push_back({f, person.values[f], remote[f]});
        a.reason = std::string(field_name(f)) + " changed both in " + cs.id + " ('" + remote[f] +
                   "') and in " + person.origins[i].collection + " ('" + person.values[f] +
                   "'); policy " + std::string(to_string(s_.conflict_policy)) + " keeps " +
                   (outcome == MergeOutcome::conflict_remote ? cs.id : std::string("the person"));
        sink_.emit(std::move(a));
      }
      if (takes_remote(outcome)) {
        if (note_flip(person, f))
          newly_quarantined = true;
        adopted.push_back({f, person.values[f], remote[f]});
        person.values[f] = remote[f];
        person.origins[i] = {rec.modified_ms, cs.id};
      }
      next.base[f] = remote[f];
    }
    next.remote_time = rec.modified_ms;
    if (!rec.parent_id.empty())
      next.parent_id = rec.parent_id;

    if (link == nullptr || next.base != link->base || next.remote_time != link->remote_time ||
        next.parent_id != link->parent_id) {
      st_.put_link(next);
    }
    if (!adopted.empty() || newly_quarantined) {
      const std::string new_email = normalize_email(person.values[Field::email]);
      if (new_email != old_email) {
        if (st_.person_by_email(old_email) == person.id)
          st_.erase_email(old_email);
        st_.put_email(new_email, person.id);
      }
      st_.put_person(person);
    }
    touched_.insert(person.id);
    if (link == nullptr) {
      Action a;
      a.kind = ActionKind::link;
      a.collection = cs.id;
      a.record_id = rec.id;
      a.person = person.id;
      a.person_email = person.values[Field::email];
      a.origin_collection = cs.id;
      a.origin_record = rec.id;
      a.changes = adopted;
      a.reason = "matched by email to an existing person";
      sink_.emit(std::move(a));
    }
    if (!adopted.empty()) {
      Action a;
      a.kind = ActionKind::record_only;
      a.collection = cs.id;
      a.record_id = rec.id;
      a.person = person.id;
      a.person_email = person.values[Field::email];
      a.origin_collection = cs.id;
      a.origin_record = rec.id;
      a.reason = "person takes " + describe_changes(adopted) + " from " + cs.id;
      a.changes = std::move(adopted);
      sink_.emit(std::move(a));
    }
    if (newly_quarantined) {
      Action a;
      a.kind = ActionKind::quarantine;
      a.collection = cs.id;
      a.record_id = rec.id;
      a.person = person.id;
      a.person_email = person.values[Field::email];
      a.reason = "a field changed more than " + std::to_string(s_.flip_limit) +
                 " times within the flip window: person quarantined, no more writes";
      sink_.emit(std::move(a));
    }
  }

  // Records an adoption of `f`; true when it quarantines the person now.
  bool note_flip(PersonRow& person, Field f) {
    if (s_.flip_limit <= 0)
      return false;
    const std::int64_t horizon = now_ - s_.flip_window_ms;
    std::erase_if(person.flips, [&](const Flip& x) { return x.time_ms < horizon; });
    const auto count = std::count_if(person.flips.begin(), person.flips.end(),
                                     [&](const Flip& x) { return x.field == f; });
    person.flips.push_back({f, now_});
    if (count >= s_.flip_limit && !person.quarantined) {
      person.quarantined = true;
      return true;
    }
    return false;
  }

  void hold(const CollectionSettings& cs, const ObservedRecord& rec, const PersonRow& person,
            Field f, const std::string& remote_value, const std::string& why) {
    const std::size_t i = index_of(f);
    auto existing = st_.conflict(person.id, f, cs.id);
    if (existing && existing->record_id == rec.id && existing->remote_value == remote_value &&
        existing->canonical_value == person.values[f]) {
      return;  // already recorded and reported
    }
    ConflictRow row;
    row.person = person.id;
    row.field = f;
    row.collection = cs.id;
    row.record_id = rec.id;
    row.remote_value = remote_value;
    row.canonical_value = person.values[f];
    row.remote_time = rec.modified_ms;
    row.canonical_time = person.origins[i].time_ms;
    row.opened_ms = now_;
    st_.put_conflict(row);
    Action a;
    a.kind = ActionKind::conflict;
    a.collection = cs.id;
    a.record_id = rec.id;
    a.person = person.id;
    a.person_email = person.values[Field::email];
    a.changes.push_back({f, person.values[f], remote_value});
    a.reason = std::string(field_name(f)) + " held for manual resolution: " + why;
    a.held = true;
    sink_.emit(std::move(a));
  }

  void on_deleted(const CollectionSettings& cs, const std::string& record_id) {
    auto link = st_.link(cs.id, record_id);
    if (!link)
      return;
    auto person = st_.person(link->person);
    const std::string email = person ? normalize_email(person->values[Field::email]) : "";
    // Also drops the conflicts held on the deleted record: they hold nothing
    // any more.
    st_.erase_link(cs.id, record_id);
    Action a;
    a.kind = ActionKind::unlink;
    a.collection = cs.id;
    a.record_id = record_id;
    a.person = link->person;
    a.person_email = person ? person->values[Field::email] : "";
    a.origin_collection = cs.id;
    a.origin_record = record_id;
    switch (cs.on_delete.value_or(s_.on_delete)) {
      case OnDelete::ignore:
        a.reason = "deleted in " + cs.id + "; on_delete = ignore: link dropped, nothing else";
        break;
      case OnDelete::unlink:
        if (!email.empty())
          st_.put_tombstone(cs.id, email, now_);
        a.reason = "deleted in " + cs.id +
                   ": unlinked; the person and other products keep "
                   "their data; a tombstone stops re-creating it there";
        break;
      case OnDelete::propagate: {
        if (!email.empty())
          st_.put_tombstone(cs.id, email, now_);
        a.reason = "deleted in " + cs.id + ": on_delete = propagate deletes it everywhere";
        deleting_.insert(link->person);
        for (const LinkRow& other : st_.links_of(link->person)) {
          const CollectionSettings* ocs = s_.collection(other.collection);
          if (ocs == nullptr || !ocs->enabled)
            continue;
          // A product that did not answer this cycle gets its delete all the
          // same: it waits in the outbox until the product takes it. Planned
          // later there would be no trace of it: this record's link, the one
          // thing that says the person was deleted, is gone after this cycle.
          if (!email.empty())
            st_.put_tombstone(other.collection, email, now_);
          Action r;
          r.kind = ActionKind::remove;
          r.collection = other.collection;
          r.record_id = other.record_id;
          r.person = link->person;
          r.person_email = a.person_email;
          r.origin_collection = cs.id;
          r.origin_record = record_id;
          r.reason = "deleted in " + cs.id + " (record " + record_id + "); on_delete = propagate";
          sink_.emit(std::move(r));
        }
        break;
      }
    }
    sink_.emit(std::move(a));
    if (st_.links_of(link->person).empty())
      st_.erase_person(link->person);
  }

  // ---- step 2: push ------------------------------------------------------

  void push(PersonId id) {
    if (deleting_.count(id))
      return;
    auto person = st_.person(id);
    if (!person || person->quarantined)
      return;
    const std::vector<LinkRow> links = st_.links_of(id);
    for (const LinkRow& link : links) {
      const CollectionSettings* cs = s_.collection(link.collection);
      const CollectionSpec* spec = find_collection(link.collection);
      if (cs == nullptr || spec == nullptr || !cs->enabled)
        continue;
      DiffOptions options;
      options.blank_overwrites = &s_.blank_overwrites;
      TargetDiff diff = diff_for_target(*spec, *cs, person->values, link.base, options);
      if (diff.empty())
        continue;
      if (unreachable_.count(link.collection)) {
        sink_.deferred(link.collection);
        continue;
      }
      // Fields held by a manual conflict on this link are not written.
      bool any_held = false;
      for (const FieldChange& c : diff.changes) {
        if (st_.conflict(id, c.field, link.collection)) {
          options.held[index_of(c.field)] = true;
          any_held = true;
        }
      }
      if (any_held) {
        diff = diff_for_target(*spec, *cs, person->values, link.base, options);
        if (diff.empty())
          continue;
      }
      Action a;
      a.collection = link.collection;
      a.record_id = link.record_id;
      a.parent_id = link.parent_id;
      a.person = id;
      a.person_email = person->values[Field::email];
      a.origin_collection = person->origins[index_of(diff.changes.front().field)].collection;
      if (!diff.error.empty()) {
        a.kind = ActionKind::refuse;
        a.reason = "per-record error: " + diff.error;
        sink_.emit(std::move(a));
        continue;
      }
      a.kind = ActionKind::update;
      a.reason = link.collection + " is stale: " + describe_changes(diff.changes) + " (from " +
                 a.origin_collection + ")";
      a.changes = std::move(diff.changes);
      a.payload = std::move(diff.payload);
      sink_.emit(std::move(a));
    }
    const std::string email = normalize_email(person->values[Field::email]);
    for (const CollectionSettings& cs : s_.collections) {
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
      if (unreachable_.count(cs.id)) {
        sink_.deferred(cs.id);
        continue;
      }
      Action a;
      a.collection = cs.id;
      a.parent_id = cs.default_parent_id;
      a.person = id;
      a.person_email = person->values[Field::email];
      a.origin_collection = person->origins[index_of(Field::email)].collection;
      if (st_.tombstoned(cs.id, email))
        continue;  // deleted there before: not re-created
      if (auto held = st_.email_held(cs.id, email); held && held->person != id) {
        // Another person's record there holds this email under an open
        // conflict: a create would find that record and be refused, at the
        // cost of a lookup, every time this person changes.
        a.kind = ActionKind::skip;
        a.reason = cs.id + " record " + held->record_id + " of another person holds " +
                   quoted_email(email) +
                   " under an open conflict: no create until it is resolved (zohosync conflicts)";
        sink_.emit(std::move(a));
        continue;
      }
      if (spec->requires_parent && cs.default_parent_id.empty()) {
        a.kind = ActionKind::skip;
        a.reason = cs.id + " needs a parent id to create a record and none is configured";
        sink_.emit(std::move(a));
        continue;
      }
      DiffOptions options;
      options.for_create = true;
      TargetDiff diff = diff_for_target(*spec, cs, person->values, FieldValues{}, options);
      if (!diff.error.empty()) {
        a.kind = ActionKind::refuse;
        a.reason = "per-record error: " + diff.error;
        sink_.emit(std::move(a));
        continue;
      }
      a.kind = ActionKind::create;
      a.reason = "create target " + cs.id + " has no record for this person (first seen in " +
                 a.origin_collection + ")";
      a.changes = std::move(diff.changes);
      a.payload = std::move(diff.payload);
      sink_.emit(std::move(a));
    }
  }

  StateAccess& st_;
  const SyncSettings& s_;
  std::int64_t now_;
  PlanSink& sink_;
  std::set<PersonId> touched_;
  std::set<PersonId> deleting_;
  std::set<std::string, std::less<>> unreachable_;
};

}  // namespace

void plan(StateAccess& state, std::span<const Observation> observations,
          const SyncSettings& settings, std::int64_t now_ms, PlanSink& sink) {
  Planner(state, settings, now_ms, sink).run(observations);
}

void plan_push(StateAccess& state, std::span<const PersonId> people, const SyncSettings& settings,
               std::int64_t now_ms, PlanSink& sink) {
  Planner(state, settings, now_ms, sink).push_only(people);
}

}  // namespace zohosync::mapping
