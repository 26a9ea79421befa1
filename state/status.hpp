// A read-only summary of the state store for `zohosync status`.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "state/cadence.hpp"
#include "state/collection_health.hpp"
#include "state/outbox.hpp"

namespace zohosync::state {

class Store;

struct StatusReport {
  std::uint32_t schema_version = 0;                     // 0: the store has no schema version yet
  std::map<std::string, std::uint64_t> entries_per_db;  // every kDatabases name, absent ones as 0
  std::uint64_t journal_first_seq = 0, journal_last_seq = 0;  // 0 when the journal is empty
  std::map<std::string, std::string> cursors;                 // collection id -> stored cursor text
  std::map<std::string, OutboxCounts> pending;     // collection id -> writes waiting in the outbox
  std::map<std::string, Cadence> cadences;         // as the daemon last measured them
  std::map<std::string, CollectionHealth> health;  // as the last cycles left it
  std::map<std::string, std::uint64_t> linked;     // collection id -> records linked
  // collection id -> records linked to a quarantined person (flipping too
  // often: read, never written until released).
  std::map<std::string, std::uint64_t> quarantined;
  std::map<std::string, std::uint64_t> conflicts;  // collection id -> open conflicts held on it
};

// Reads everything in one snapshot (one read transaction).
StatusReport read_status(const Store& store);

}  // namespace zohosync::state
