#include "mapping/memory_state.hpp"

#include "mapping/normalize.hpp"

namespace zohosync::mapping {

std::optional<PersonRow> MemoryState::person(PersonId id) {
  auto it = people_.find(id);
  if (it == people_.end())
    return std::nullopt;
  return it->second;
}

void MemoryState::put_person(const PersonRow& row) {
  people_[row.id] = row;
}

void MemoryState::erase_person(PersonId id) {
  auto it = people_.find(id);
  if (it == people_.end())
    return;
  auto email = emails_.find(normalize_email(it->second.values[Field::email]));
  if (email != emails_.end() && email->second == id)
    emails_.erase(email);
  people_.erase(it);
  std::erase_if(conflicts_, [&](const auto& entry) { return entry.second.person == id; });
}

std::optional<PersonId> MemoryState::person_by_email(std::string_view normalized_email) {
  auto it = emails_.find(normalized_email);
  if (it == emails_.end())
    return std::nullopt;
  return it->second;
}

void MemoryState::put_email(std::string_view normalized_email, PersonId id) {
  emails_[std::string(normalized_email)] = id;
}

void MemoryState::erase_email(std::string_view normalized_email) {
  auto it = emails_.find(normalized_email);
  if (it != emails_.end())
    emails_.erase(it);
}

std::optional<LinkRow> MemoryState::link(std::string_view collection, std::string_view record_id) {
  auto it = links_.find(Key(collection, record_id));
  if (it == links_.end())
    return std::nullopt;
  return it->second;
}

void MemoryState::put_link(const LinkRow& row) {
  Key key(row.collection, row.record_id);
  auto it = links_.find(key);
  if (it != links_.end() && it->second.person != row.person) {
    person_links_.erase({it->second.person, row.collection, row.record_id});
  }
  links_[key] = row;
  person_links_.insert({row.person, row.collection, row.record_id});
}

void MemoryState::erase_link(std::string_view collection, std::string_view record_id) {
  auto it = links_.find(Key(collection, record_id));
  if (it == links_.end())
    return;
  const PersonId person = it->second.person;
  person_links_.erase({person, it->second.collection, it->second.record_id});
  links_.erase(it);
  std::erase_if(conflicts_, [&](const auto& entry) {
    const ConflictRow& c = entry.second;
    return c.person == person && c.collection == collection && c.record_id == record_id;
  });
}

std::vector<LinkRow> MemoryState::links_of(PersonId id) {
  std::vector<LinkRow> out;
  for (auto it = person_links_.lower_bound({id, std::string(), std::string()});
       it != person_links_.end() && std::get<0>(*it) == id; ++it) {
    out.push_back(links_.at(Key(std::get<1>(*it), std::get<2>(*it))));
  }
  return out;
}

void MemoryState::for_each_link(std::string_view collection,
                                const std::function<void(const LinkRow&)>& fn) {
  for (auto it = links_.lower_bound(Key(collection, std::string()));
       it != links_.end() && it->first.first == collection; ++it) {
    fn(it->second);
  }
}

std::size_t MemoryState::link_count(std::string_view collection) {
  std::size_t n = 0;
  for_each_link(collection, [&](const LinkRow&) { ++n; });
  return n;
}

std::vector<std::string> MemoryState::linked_records(std::string_view collection) {
  std::vector<std::string> out;
  for_each_link(collection, [&](const LinkRow& l) { out.push_back(l.record_id); });
  return out;
}

bool MemoryState::tombstoned(std::string_view collection, std::string_view normalized_email) {
  return tombstones_.count(Key(collection, normalized_email)) != 0;
}

void MemoryState::put_tombstone(std::string_view collection, std::string_view normalized_email,
                                std::int64_t) {
  tombstones_.insert(Key(collection, normalized_email));
}

void MemoryState::erase_tombstone(std::string_view collection, std::string_view normalized_email) {
  tombstones_.erase(Key(collection, normalized_email));
}

std::optional<ConflictRow> MemoryState::conflict(PersonId id, Field field,
                                                 std::string_view collection) {
  auto it = conflicts_.find(ConflictKey(id, field, collection));
  if (it == conflicts_.end())
    return std::nullopt;
  return it->second;
}

std::vector<ConflictRow> MemoryState::conflicts_of(PersonId id) {
  std::vector<ConflictRow> out;
  for (auto it = conflicts_.lower_bound(ConflictKey(id, Field{}, std::string()));
       it != conflicts_.end() && std::get<0>(it->first) == id; ++it) {
    out.push_back(it->second);
  }
  return out;
}

std::optional<ConflictRow> MemoryState::email_held(std::string_view collection,
                                                   std::string_view normalized_email) {
  for (const auto& [key, row] : conflicts_) {
    if (row.field == Field::email && row.collection == collection &&
        normalize_email(row.remote_value) == normalized_email)
      return row;
  }
  return std::nullopt;
}

void MemoryState::put_conflict(const ConflictRow& row) {
  conflicts_[ConflictKey(row.person, row.field, row.collection)] = row;
}

void MemoryState::erase_conflict(PersonId id, Field field, std::string_view collection) {
  conflicts_.erase(ConflictKey(id, field, collection));
}

}  // namespace zohosync::mapping
