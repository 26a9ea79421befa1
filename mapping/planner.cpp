#include "mapping/planner.hpp"

#include <algorithm>
#include <array>
#include <optional>
#include <set>
#include <unordered_set>

#include "mapping/deletes.hpp"
#include "mapping/normalize.hpp"
#include "mapping/push.hpp"
#include "mapping/selection.hpp"

namespace zohosync::mapping {

namespace {

ActionSubject about(const CollectionSettings& cs, const ObservedRecord& rec,
                    const PersonRow& person) {
  return {cs.id, rec.id, person.id, person.values[Field::email]};
}

class Planner {
 public:
  Planner(StateAccess& state, const SyncSettings& settings, std::int64_t now_ms, PlanSink& sink)
      : st_(state), s_(settings), now_(now_ms), sink_(sink) {}

  void push_only(std::span<const PersonId> people) {
    for (PersonId id : people)
      push_person(st_, s_, id, unreachable_, sink_);
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
          sink_.emit(make_action(ActionKind::skip, {cs.id},
                                 cs.id + " could not be listed completely: treated as unknown (no "
                                         "deletes inferred, nothing written to it this cycle)"));
          continue;
        }
        ingest(cs, *spec, obs);
      }
    }
    // A person deleted everywhere this cycle gets no writes but the deletes.
    for (PersonId id : touched_) {
      if (!deleting_.count(id))
        push_person(st_, s_, id, unreachable_, sink_);
    }
  }

 private:
  // ---- step 1: ingest ----------------------------------------------------

  void ingest(const CollectionSettings& cs, const CollectionSpec& spec, const Observation& obs) {
    // Read off the links before this listing's records move any of them.
    std::vector<std::string> inferred = deleted_under_complete_parents(st_, obs);
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
    const bool hold_left_out = too_many_left_out(cs, obs);
    for (const ObservedRecord* rec : order) {
      if (obs.full)
        seen.insert(rec->id);
      const common::IncludeRule* rule = failed_rule(cs, rec->fields);
      if (rule == nullptr)
        ingest_record(cs, spec, *rec);
      else if (!hold_left_out || !st_.link(cs.id, rec->id))
        leave_out(cs, spec, *rec, *rule);
      // else: kept linked and unjudged this cycle (the guard refused).
    }
    const std::vector<std::string> gone = disappeared(st_, obs, std::move(inferred), seen);
    plan_deletes(st_, s_, cs, gone, now_, sink_, deleting_);
  }

  // The mass-delete guard, for links the include rules would drop: a rule
  // that leaves out most linked records at once is more likely a mistyped
  // field name (absent from every record) than a wish, and is refused the
  // same way (--force-delete overrides). Those records stay linked and are
  // not judged; the others are.
  bool too_many_left_out(const CollectionSettings& cs, const Observation& obs) {
    if (cs.include.empty() || s_.force_delete)
      return false;
    std::size_t leaving = 0;
    for (const ObservedRecord& rec : obs.records) {
      if (failed_rule(cs, rec.fields) != nullptr && st_.link(cs.id, rec.id))
        ++leaving;
    }
    const std::optional<std::size_t> linked = mass_delete_refusal(st_, s_, cs.id, leaving);
    if (!linked)
      return false;
    sink_.emit(make_action(
        ActionKind::refuse, {cs.id},
        "mass-delete guard: " + std::to_string(leaving) + " of " + std::to_string(*linked) +
            " linked records of " + cs.id +
            " are left out by its include rules; none is unlinked (check the rules' field names "
            "with check-config --online; reconcile --dry-run --force-delete shows what they would "
            "unlink; --force-delete applies them)"));
    sink_.unjudged(cs.id);
    return true;
  }

  // A record the collection's include rules leave out (selection.hpp). A
  // linked one is unlinked, never deleted: it stopped matching, nobody
  // deleted it. Either way its email is tombstoned there, so the person is
  // not created beside it (a lookup would find it, and a create would make a
  // second record with its email); a matching record with that email lifts
  // the tombstone when it is linked.
  void leave_out(const CollectionSettings& cs, const CollectionSpec& spec,
                 const ObservedRecord& rec, const common::IncludeRule& rule) {
    const std::string email = record_email(spec, rec);
    const bool new_tombstone = !email.empty() && !st_.tombstoned(cs.id, email);
    if (new_tombstone)
      st_.put_tombstone(cs.id, email, now_);
    const std::string why = "left out by " + cs.id + "'s include rule \"" + rule.text + "\"";
    if (auto link = st_.link(cs.id, rec.id)) {
      auto person = st_.person(link->person);
      const std::string person_email = person ? person->values[Field::email] : "";
      st_.erase_link(cs.id, rec.id);
      sink_.emit(make_action(ActionKind::unlink, {cs.id, rec.id, link->person, person_email},
                             why + ": unlinked, nothing deleted; the person and other products "
                                   "keep their data, and no record is created for it there",
                             cs.id, rec.id));
      if (st_.links_of(link->person).empty())
        st_.erase_person(link->person);
      return;
    }
    if (new_tombstone) {
      sink_.emit(make_action(
          ActionKind::skip, {cs.id, rec.id},
          why + ": not synced, and no record is created there for " + quoted_email(email)));
    }
  }

  // Reads what the decision needs, decides (record_decision.hpp), applies.
  void ingest_record(const CollectionSettings& cs, const CollectionSpec& spec,
                     const ObservedRecord& rec) {
    RecordFacts facts;
    std::optional<LinkRow> link = st_.link(cs.id, rec.id);
    std::optional<PersonRow> person;
    if (link) {
      person = st_.person(link->person);
      if (!person) {
        st_.erase_link(cs.id, rec.id);  // a link to a vanished person: start over
        link.reset();
      }
    }
    std::optional<LinkRow> sibling;
    if (!link) {
      // A person deleted everywhere this cycle (on_delete = propagate) takes
      // in no new record: one with its email is a person of its own.
      const std::string email = record_email(spec, rec);
      std::optional<PersonId> owner;
      if (!email.empty())
        owner = st_.person_by_email(email);
      if (owner && !deleting_.count(*owner)) {
        person = st_.person(*owner);
        if (!person)
          st_.erase_email(email);  // index entry without a person: repair
      }
      if (person) {
        for (LinkRow& l : st_.links_of(person->id)) {
          if (l.collection == cs.id) {
            sibling = std::move(l);
            break;
          }
        }
      }
    }
    facts.link = link ? &*link : nullptr;
    facts.person = person ? &*person : nullptr;
    facts.linked_sibling = sibling ? &*sibling : nullptr;
    // One pointer captured: small enough for std::function to hold without
    // allocating, once per record.
    struct HeldOn {
      StateAccess& state;
      PersonId person;
      const std::string& collection;
    } held_on{st_, person ? person->id : 0, cs.id};
    if (person && !sibling) {
      facts.held = [&held_on](Field f) {
        return held_on.state.conflict(held_on.person, f, held_on.collection).has_value();
      };
      facts.email_owner = [this](const std::string& email) { return st_.person_by_email(email); };
    }

    const RecordDecision d = decide(s_, cs, spec, rec, facts);
    switch (d.what) {
      case RecordCase::no_email:
        sink_.emit(make_action(ActionKind::skip, {cs.id, rec.id},
                               "record has no email: not synced (people are never matched by "
                               "name)"));
        return;
      case RecordCase::invalid_email:
        sink_.emit(make_action(ActionKind::skip, {cs.id, rec.id},
                               "record's email " + quoted_email(d.remote[Field::email]) + " " +
                                   d.email_problem +
                                   ": not synced (no person is made from an invalid email)"));
        return;
      case RecordCase::duplicate:
        sink_.emit(make_action(ActionKind::duplicate, about(cs, rec, *person),
                               "within-product duplicate: record " + sibling->record_id + " in " +
                                   cs.id +
                                   " has the same email and is the one linked; neither is "
                                   "touched"));
        return;
      case RecordCase::new_person:
        add_person(cs, spec, rec, d);
        return;
      case RecordCase::matched:
        if (st_.tombstoned(cs.id, d.email))
          st_.erase_tombstone(cs.id, d.email);
        merge(cs, rec, d, facts, std::move(*person));
        return;
      case RecordCase::linked:
        merge(cs, rec, d, facts, std::move(*person));
        return;
    }
  }

  void add_person(const CollectionSettings& cs, const CollectionSpec& spec,
                  const ObservedRecord& rec, const RecordDecision& d) {
    PersonRow person;
    person.id = st_.allocate_person_id();
    for (Field f : kAllFields) {
      if (!spec.carries(f) || (f != Field::email && !reads(cs.direction(f))))
        continue;
      person.values[f] = d.remote[f];
      person.origins[index_of(f)] = {rec.modified_ms, cs.id};
    }
    st_.put_person(person);
    st_.put_email(d.email, person.id);
    LinkRow link;
    link.collection = cs.id;
    link.record_id = rec.id;
    link.person = person.id;
    link.base = d.remote;
    link.remote_time = rec.modified_ms;
    link.parent_id = rec.parent_id;
    st_.put_link(link);
    touched_.insert(person.id);
    sink_.emit(make_action(ActionKind::link, about(cs, rec, person), "new person from " + cs.id,
                           cs.id, rec.id));
  }

  // Applies a linked or matched record's field decisions to its person and
  // link (facts.link is nullptr for a record linked for the first time).
  void merge(const CollectionSettings& cs, const ObservedRecord& rec, const RecordDecision& d,
             const RecordFacts& facts, PersonRow person) {
    const LinkRow* link = facts.link;
    LinkRow next;
    if (link != nullptr)
      next = *link;
    next.collection = cs.id;
    next.record_id = rec.id;
    next.person = person.id;
    const std::string old_email = normalize_email(person.values[Field::email]);
    std::vector<FieldChange> adopted;
    bool newly_quarantined = false;

    for (const FieldDecision& fd : d.fields) {
      const Field f = fd.field;
      const std::size_t i = index_of(f);
      const std::string& remote = d.remote[f];
      switch (fd.what) {
        case FieldCase::invalid_email:
          // Never adopted: the person and the link keep the last valid
          // email, and nothing is written back over the edit.
          sink_.emit(make_action(ActionKind::skip, about(cs, rec, person),
                                 "email " + quoted_email(remote) + " " + email_problem(remote) +
                                     ": not adopted, the person keeps " +
                                     quoted_email(person.values[Field::email])));
          break;
        case FieldCase::write_only:
          next.base[f] = remote;  // its edits are not read; the push overwrites them
          break;
        case FieldCase::held:
          break;
        case FieldCase::settled:
          // The email this record held belongs to someone whose create here
          // waited for it (push): that person is pushed again.
          if (auto open = st_.conflict(person.id, f, cs.id); open && f == Field::email) {
            if (auto owner = st_.person_by_email(normalize_email(open->remote_value)))
              touched_.insert(*owner);
          }
          st_.erase_conflict(person.id, f, cs.id);
          next.base[f] = remote;
          break;
        case FieldCase::email_taken:
          hold(cs, rec, person, f, remote,
               "email '" + remote + "' already belongs to another person");
          break;
        case FieldCase::conflict_held:
          hold(cs, rec, person, f, remote,
               "changed in " + cs.id + " and elsewhere; policy manual holds it");
          next.base[f] = link != nullptr ? link->base[f] : remote;
          break;
        case FieldCase::adopt:
        case FieldCase::keep:
          if (is_conflict(fd.merge))
            report_conflict(cs, rec, person, f, remote, fd.merge);
          if (fd.what == FieldCase::adopt) {
            if (note_flip(person, f))
              newly_quarantined = true;
            adopted.push_back({f, person.values[f], remote});
            person.values[f] = remote;
            person.origins[i] = {rec.modified_ms, cs.id};
          }
          next.base[f] = remote;
          break;
      }
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
      Action a = make_action(ActionKind::link, about(cs, rec, person),
                             "matched by email to an existing person", cs.id, rec.id);
      a.changes = adopted;
      sink_.emit(std::move(a));
    }
    if (!adopted.empty()) {
      Action a = make_action(ActionKind::record_only, about(cs, rec, person),
                             "person takes " + describe_changes(adopted) + " from " + cs.id, cs.id,
                             rec.id);
      a.changes = std::move(adopted);
      sink_.emit(std::move(a));
    }
    if (newly_quarantined) {
      sink_.emit(make_action(ActionKind::quarantine, about(cs, rec, person),
                             "a field changed more than " + std::to_string(s_.flip_limit) +
                                 " times within the flip window: person quarantined, no more "
                                 "writes"));
    }
  }

  // A conflict the policy settled (newest or priority): reported, not held.
  void report_conflict(const CollectionSettings& cs, const ObservedRecord& rec,
                       const PersonRow& person, Field f, const std::string& remote,
                       MergeOutcome outcome) {
    const std::size_t i = index_of(f);
    Action a = make_action(
        ActionKind::conflict, about(cs, rec, person),
        std::string(field_name(f)) + " changed both in " + cs.id + " ('" + remote + "') and in " +
            person.origins[i].collection + " ('" + person.values[f] + "'); policy " +
            std::string(to_string(s_.conflict_policy)) + " keeps " +
            (outcome == MergeOutcome::conflict_remote ? cs.id : std::string("the person")));
    a.changes.push_back({f, person.values[f], remote});
    sink_.emit(std::move(a));
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
    Action a = make_action(ActionKind::conflict, about(cs, rec, person),
                           std::string(field_name(f)) + " held for manual resolution: " + why);
    a.changes.push_back({f, person.values[f], remote_value});
    a.held = true;
    sink_.emit(std::move(a));
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
