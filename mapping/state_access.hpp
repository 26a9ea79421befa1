#pragma once
// What the planner needs from the state: typed reads and writes of people,
// the email index, links, tombstones and conflicts. The executor implements it
// over one LMDB write transaction; tests use MemoryState. The planner's writes
// are visible to its own later reads (it relies on that within a cycle).

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mapping/model.hpp"

namespace zohosync::mapping {

class StateAccess {
 public:
  virtual ~StateAccess() = default;

  virtual std::optional<PersonRow> person(PersonId id) = 0;
  virtual void put_person(const PersonRow& row) = 0;
  // Also drops the person's email index entry and open conflicts.
  virtual void erase_person(PersonId id) = 0;
  virtual PersonId allocate_person_id() = 0;

  // Keyed by normalize_email().
  virtual std::optional<PersonId> person_by_email(std::string_view normalized_email) = 0;
  virtual void put_email(std::string_view normalized_email, PersonId id) = 0;
  virtual void erase_email(std::string_view normalized_email) = 0;

  virtual std::optional<LinkRow> link(std::string_view collection, std::string_view record_id) = 0;
  // Also maintains the person -> links index.
  virtual void put_link(const LinkRow& row) = 0;
  // Also drops the open conflicts held on that record: they hold nothing once
  // it is no longer linked.
  virtual void erase_link(std::string_view collection, std::string_view record_id) = 0;
  virtual std::vector<LinkRow> links_of(PersonId id) = 0;
  virtual void for_each_link(std::string_view collection,
                             const std::function<void(const LinkRow&)>& fn) = 0;
  virtual std::size_t link_count(std::string_view collection) = 0;
  // The record ids linked in `collection`: what a full listing is checked
  // against for deletes, without decoding every link.
  virtual std::vector<std::string> linked_records(std::string_view collection) = 0;

  virtual bool tombstoned(std::string_view collection, std::string_view normalized_email) = 0;
  virtual void put_tombstone(std::string_view collection, std::string_view normalized_email,
                             std::int64_t time_ms) = 0;
  virtual void erase_tombstone(std::string_view collection, std::string_view normalized_email) = 0;

  // Open conflicts, at most one per (person, field, collection): a person has
  // at most one linked record per collection, so the collection names the
  // record held. Two records of one person may be held on the same field.
  virtual std::optional<ConflictRow> conflict(PersonId id, Field field,
                                              std::string_view collection) = 0;
  // Every open conflict of the person, by field then collection.
  virtual std::vector<ConflictRow> conflicts_of(PersonId id) = 0;
  // Keyed by (row.person, row.field, row.collection): replaces the one there.
  virtual void put_conflict(const ConflictRow& row) = 0;
  virtual void erase_conflict(PersonId id, Field field, std::string_view collection) = 0;
  // An open email conflict on a record of `collection` that holds
  // `normalized_email` (a person's email kept on another person's record
  // until the conflict is resolved); nullopt when there is none. Conflicts
  // are few: a scan of them all is the lookup.
  virtual std::optional<ConflictRow> email_held(std::string_view collection,
                                                std::string_view normalized_email) = 0;
};

}  // namespace zohosync::mapping
