// The outbox: planned product writes not yet confirmed. Written in the same
// transaction as the plan, removed in the same transaction that records the
// write's result, so a crash at any point resumes without losing or repeating
// a change.
//
// Keys are stable per target (stored on disk, never change):
//   "c" \0 collection \0 u64_be person    a create
//   "u" \0 collection \0 record           an update
//   "r" \0 collection \0 record           a delete
// so a newer plan for the same target replaces a pending entry instead of
// queueing a second write; a delete also replaces a pending update of its record.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "mapping/model.hpp"
#include "state/lmdb.hpp"

namespace zohosync::state {

class Store;

struct OutboxEntry {
  std::string key;
  mapping::Action action;
  std::string bytes;  // as stored: tells whether a later plan replaced it
};

// Pending writes of one target collection, by kind.
struct OutboxCounts {
  std::uint64_t creates = 0, updates = 0, deletes = 0;
};

class Outbox {
 public:
  static std::string key_for(const mapping::Action& action);
  // Stores a write action (create, update or remove) under its key; returns the key.
  static std::string put(WriteTxn& txn, const Store& store, const mapping::Action& action);
  static bool erase(WriteTxn& txn, const Store& store, std::string_view key);
  // The stored bytes of one entry (valid while the transaction lasts).
  static std::optional<std::string_view> get(const Txn& txn, const Store& store,
                                             std::string_view key);
  // Every pending entry in key order.
  static std::vector<OutboxEntry> pending(const Txn& txn, const Store& store);
  // Pending writes per target collection (only collections with some).
  static std::map<std::string, OutboxCounts> counts(const Txn& txn, const Store& store);
  static std::uint64_t size(const Txn& txn, const Store& store);
};

}  // namespace zohosync::state
