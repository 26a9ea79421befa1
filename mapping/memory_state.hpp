#pragma once
// StateAccess over std::maps: the planner's state in unit tests, and a
// reference for what the LMDB tables must behave like.

#include <map>
#include <set>
#include <string>
#include <tuple>
#include <utility>

#include "mapping/state_access.hpp"

namespace zohosync::mapping {

class MemoryState final : public StateAccess {
 public:
  std::optional<PersonRow> person(PersonId id) override;
  void put_person(const PersonRow& row) override;
  void erase_person(PersonId id) override;
  PersonId allocate_person_id() override { return next_person_++; }

  std::optional<PersonId> person_by_email(std::string_view normalized_email) override;
  void put_email(std::string_view normalized_email, PersonId id) override;
  void erase_email(std::string_view normalized_email) override;

  std::optional<LinkRow> link(std::string_view collection, std::string_view record_id) override;
  void put_link(const LinkRow& row) override;
  void erase_link(std::string_view collection, std::string_view record_id) override;
  std::vector<LinkRow> links_of(PersonId id) override;
  void for_each_link(std::string_view collection,
                     const std::function<void(const LinkRow&)>& fn) override;
  std::size_t link_count(std::string_view collection) override;
  std::vector<std::string> linked_records(std::string_view collection) override;

  bool tombstoned(std::string_view collection, std::string_view normalized_email) override;
  void put_tombstone(std::string_view collection, std::string_view normalized_email,
                     std::int64_t time_ms) override;
  void erase_tombstone(std::string_view collection, std::string_view normalized_email) override;

  std::optional<ConflictRow> conflict(PersonId id, Field field,
                                      std::string_view collection) override;
  std::vector<ConflictRow> conflicts_of(PersonId id) override;
  void put_conflict(const ConflictRow& row) override;
  void erase_conflict(PersonId id, Field field, std::string_view collection) override;
  std::optional<ConflictRow> email_held(std::string_view collection,
                                        std::string_view normalized_email) override;

  // (person, field, collection)
  using ConflictKey = std::tuple<PersonId, Field, std::string>;

  const std::map<PersonId, PersonRow>& people() const { return people_; }
  const std::map<std::pair<std::string, std::string>, LinkRow>& links() const { return links_; }
  const std::map<ConflictKey, ConflictRow>& conflicts() const { return conflicts_; }

 private:
  using Key = std::pair<std::string, std::string>;
  PersonId next_person_ = 1;
  std::map<PersonId, PersonRow> people_;
  std::map<std::string, PersonId, std::less<>> emails_;
  std::map<Key, LinkRow> links_;
  std::set<std::tuple<PersonId, std::string, std::string>> person_links_;
  std::set<Key> tombstones_;
  std::map<ConflictKey, ConflictRow> conflicts_;
};

}  // namespace zohosync::mapping
