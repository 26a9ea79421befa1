// The engine's typed tables over one write transaction: people, the email
// index, links (+ person_links), tombstones and conflicts, as the planner's
// mapping::StateAccess. Encodings: rows.hpp.
#pragma once

#include "mapping/state_access.hpp"
#include "state/listing_window.hpp"
#include "state/lmdb.hpp"

namespace zohosync::state {

class Store;

class Tables final : public mapping::StateAccess {
 public:
  Tables(WriteTxn& txn, const Store& store);

  std::optional<mapping::PersonRow> person(mapping::PersonId id) override;
  void put_person(const mapping::PersonRow& row) override;
  void erase_person(mapping::PersonId id) override;
  mapping::PersonId allocate_person_id() override;

  std::optional<mapping::PersonId> person_by_email(std::string_view normalized_email) override;
  void put_email(std::string_view normalized_email, mapping::PersonId id) override;
  void erase_email(std::string_view normalized_email) override;

  std::optional<mapping::LinkRow> link(std::string_view collection,
                                       std::string_view record_id) override;
  void put_link(const mapping::LinkRow& row) override;
  void erase_link(std::string_view collection, std::string_view record_id) override;
  // The record answers under another id now (a key from before Contracts
  // contacts were keyed by id): its link, and the conflicts held on it, move
  // to that id. Nothing happens when `from` is not linked.
  void move_link(std::string_view collection, std::string_view from, std::string_view to);
  std::vector<mapping::LinkRow> links_of(mapping::PersonId id) override;
  void for_each_link(std::string_view collection,
                     const std::function<void(const mapping::LinkRow&)>& fn) override;
  std::size_t link_count(std::string_view collection) override;
  std::vector<std::string> linked_records(std::string_view collection) override;

  bool tombstoned(std::string_view collection, std::string_view normalized_email) override;
  void put_tombstone(std::string_view collection, std::string_view normalized_email,
                     std::int64_t time_ms) override;
  void erase_tombstone(std::string_view collection, std::string_view normalized_email) override;

  std::optional<mapping::ConflictRow> conflict(mapping::PersonId id, mapping::Field field,
                                               std::string_view collection) override;
  std::vector<mapping::ConflictRow> conflicts_of(mapping::PersonId id) override;
  void put_conflict(const mapping::ConflictRow& row) override;
  void erase_conflict(mapping::PersonId id, mapping::Field field,
                      std::string_view collection) override;
  std::optional<mapping::ConflictRow> email_held(std::string_view collection,
                                                 std::string_view normalized_email) override;

  // Every person (ascending id) and every open conflict: for tests and tools.
  std::vector<mapping::PersonRow> all_people();
  std::vector<mapping::ConflictRow> all_conflicts();

 private:
  // The planner asks for an open conflict on every field of every record it
  // merges, and open conflicts are rare: while the table is known to be empty
  // the answer needs no lookup. Only Tables writes conflicts, and a Tables
  // lives within its one transaction, so put_conflict is the one way it fills.
  bool conflicts_known_empty();
  // Deletes the person's conflicts for which `which` is true.
  void erase_conflicts_of(mapping::PersonId id,
                          const std::function<bool(const mapping::ConflictRow&)>& which);

  WriteTxn& txn_;
  Dbi people_, emails_, links_, person_links_, tombstones_, conflicts_, meta_;
  // Every link changed here is noted for the listings on the wire
  // (listing_window.hpp), so a plan from an older listing leaves it alone.
  TouchNotes touches_;
  mapping::PersonId next_id_ = 0;        // 0: not read from meta yet
  std::optional<bool> conflicts_empty_;  // not looked at yet
};

// One link, read in any transaction.
std::optional<mapping::LinkRow> read_link(const Txn& txn, const Store& store,
                                          std::string_view collection, std::string_view record_id);

// Whether a tombstone stops creating the (normalized) email in the
// collection, read in any transaction.
bool read_tombstoned(const Txn& txn, const Store& store, std::string_view collection,
                     std::string_view normalized_email);

// Whether the person has a record linked in the collection, read in any transaction.
// Whether the person is in the state (a short read, without a Tables).
bool read_person_exists(const Txn& txn, const Store& store, mapping::PersonId person);
bool read_linked_in(const Txn& txn, const Store& store, mapping::PersonId person,
                    std::string_view collection);

// Every link of one collection, read in any transaction (fn must not write).
void for_each_link(const Txn& txn, const Store& store, std::string_view collection,
                   const std::function<void(const mapping::LinkRow&)>& fn);

// Per-collection incremental checkpoints (the connector's opaque cursor text).
std::string read_cursor(const Txn& txn, const Store& store, std::string_view collection);
void write_cursor(WriteTxn& txn, const Store& store, std::string_view collection,
                  std::string_view cursor);
// The include rules (common::fingerprint) a collection's cursor was listed
// under: when they change, the cursor says nothing of the records they now
// select or leave out, so the next listing is a full one.
std::string read_listed_rules(const Txn& txn, const Store& store, std::string_view collection);
void write_listed_rules(WriteTxn& txn, const Store& store, std::string_view collection,
                        std::string_view fingerprint);

}  // namespace zohosync::state
