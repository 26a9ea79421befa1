#include "mapping/record_decision.hpp"

#include "mapping/normalize.hpp"

namespace zohosync::mapping {

std::string_view to_string(RecordCase c) {
  switch (c) {
    case RecordCase::linked:
      return "linked";
    case RecordCase::no_email:
      return "no_email";
    case RecordCase::invalid_email:
      return "invalid_email";
    case RecordCase::duplicate:
      return "duplicate";
    case RecordCase::matched:
      return "matched";
    case RecordCase::new_person:
      return "new_person";
  }
  return "new_person";
}

std::string_view to_string(FieldCase c) {
  switch (c) {
    case FieldCase::invalid_email:
      return "invalid_email";
    case FieldCase::write_only:
      return "write_only";
    case FieldCase::held:
      return "held";
    case FieldCase::settled:
      return "settled";
    case FieldCase::email_taken:
      return "email_taken";
    case FieldCase::conflict_held:
      return "conflict_held";
    case FieldCase::adopt:
      return "adopt";
    case FieldCase::keep:
      return "keep";
  }
  return "keep";
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

FieldDecision decide_field(const SyncSettings& s, const CollectionSettings& cs,
                           const ObservedRecord& rec, const RecordFacts& facts,
                           const FieldValues& remote, const PersonRow& person, Field f) {
  const std::size_t i = index_of(f);
  const Direction dir = cs.direction(f);
  if (f == Field::email && reads(dir) && !email_problem(remote[f]).empty())
    return {f, FieldCase::invalid_email};
  if (!reads(dir))
    return {f, FieldCase::write_only};
  if (facts.held && facts.held(f))
    return {f, equivalent(f, remote[f], person.values[f]) ? FieldCase::settled : FieldCase::held};
  MergeInput in;
  in.field = f;
  in.base = facts.link != nullptr ? &facts.link->base[f] : nullptr;
  in.remote = remote[f];
  in.canonical = person.values[f];
  in.remote_time = rec.modified_ms;
  in.canonical_time = person.origins[i].time_ms;
  in.remote_rank = s.rank(cs.id);
  in.canonical_rank = s.rank(person.origins[i].collection);
  in.policy = s.conflict_policy;
  in.blank_overwrites = f != Field::email && (s.blank_overwrites[i] || cs.blank_overwrites[i]);
  const MergeOutcome outcome = merge_field(in);
  if (takes_remote(outcome) && f == Field::email && facts.email_owner) {
    if (auto owner = facts.email_owner(normalize_email(remote[f])); owner && *owner != person.id)
      return {f, FieldCase::email_taken, outcome};
  }
  if (outcome == MergeOutcome::conflict_held)
    return {f, FieldCase::conflict_held, outcome};
  return {f, takes_remote(outcome) ? FieldCase::adopt : FieldCase::keep, outcome};
}

}  // namespace

std::string record_email(const CollectionSpec& spec, const ObservedRecord& record) {
  auto it = record.fields.find(spec.email_field());
  if (it == record.fields.end() || !email_problem(it->second).empty())
    return {};
  return normalize_email(it->second);
}

RecordDecision decide(const SyncSettings& s, const CollectionSettings& cs,
                      const CollectionSpec& spec, const ObservedRecord& rec,
                      const RecordFacts& facts) {
  RecordDecision d;
  if (facts.link == nullptr) {
    // Without hints: a record that matches a person is projected again below.
    d.remote = project(spec, rec.fields);
    d.email = normalize_email(d.remote[Field::email]);
    if (d.email.empty()) {
      d.what = RecordCase::no_email;
      return d;
    }
    if (d.email_problem = email_problem(d.remote[Field::email]); !d.email_problem.empty()) {
      d.what = RecordCase::invalid_email;
      return d;
    }
    if (facts.person == nullptr) {
      d.what = RecordCase::new_person;
      return d;
    }
    if (facts.linked_sibling != nullptr) {
      d.what = RecordCase::duplicate;
      return d;
    }
    d.what = RecordCase::matched;
  } else {
    d.what = RecordCase::linked;
  }
  const PersonRow& person = *facts.person;
  d.remote = project(spec, rec.fields, facts.link != nullptr ? &facts.link->base : nullptr,
                     &person.values);
  d.fields.reserve(kFieldCount);
  for (Field f : kAllFields) {
    if (!spec.carries(f) || cs.direction(f) == Direction::off || !observed(spec, rec.fields, f))
      continue;
    d.fields.push_back(decide_field(s, cs, rec, facts, d.remote, person, f));
  }
  return d;
}

}  // namespace zohosync::mapping
