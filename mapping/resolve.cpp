#include "mapping/resolve.hpp"

#include "mapping/normalize.hpp"

namespace zohosync::mapping {

std::optional<std::string> resolve_conflict(StateAccess& state, PersonId id, Field field,
                                            std::string_view collection, Take take,
                                            std::int64_t now_ms) {
  std::optional<ConflictRow> conflict;
  if (!collection.empty()) {
    conflict = state.conflict(id, field, collection);
    if (!conflict)
      return "no open conflict for this person and field in " + std::string(collection);
  } else {
    std::vector<ConflictRow> open;
    for (ConflictRow& row : state.conflicts_of(id)) {
      if (row.field == field)
        open.push_back(std::move(row));
    }
    if (open.empty())
      return "no open conflict for this person and field";
    if (open.size() > 1) {
      std::string held;
      for (const ConflictRow& row : open)
        held += (held.empty() ? "" : ", ") + row.collection;
      return "several open conflicts for this person and field (" + held + "): name the collection";
    }
    conflict = std::move(open.front());
  }
  auto person = state.person(id);
  if (!person)
    return "the person no longer exists";
  auto link = state.link(conflict->collection, conflict->record_id);
  if (take == Take::record) {
    const std::string& value = conflict->remote_value;
    if (field == Field::email) {
      const std::string wanted = normalize_email(value);
      auto owner = state.person_by_email(wanted);
      if (owner && *owner != id)
        return "that email belongs to another person";
      const std::string old = normalize_email(person->values[field]);
      if (state.person_by_email(old) == id)
        state.erase_email(old);
      state.put_email(wanted, id);
    }
    person->values[field] = value;
    person->origins[index_of(field)] = {now_ms, conflict->collection};
    state.put_person(*person);
  }
  // The record's base becomes what it holds, so the usual rule applies next
  // cycle: the person's value is pushed to it (Take::person), or it already
  // agrees and the others are stale (Take::record).
  if (link) {
    link->base[field] = conflict->remote_value;
    state.put_link(*link);
  }
  state.erase_conflict(id, field, conflict->collection);
  return std::nullopt;
}

std::optional<std::string> resolve_conflict(StateAccess& state, PersonId id, Field field, Take take,
                                            std::int64_t now_ms) {
  return resolve_conflict(state, id, field, std::string_view(), take, now_ms);
}

bool release_quarantine(StateAccess& state, PersonId id) {
  auto person = state.person(id);
  if (!person || !person->quarantined)
    return false;
  person->quarantined = false;
  person->flips.clear();
  state.put_person(*person);
  return true;
}

}  // namespace zohosync::mapping
