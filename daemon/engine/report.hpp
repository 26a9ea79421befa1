#pragma once
// What one reconcile cycle did: counts per collection and action kind, the
// failures, and (on request) every planned action with its reason. The CLI
// prints it; the daemon turns it into metrics.

#include <cstddef>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/errors.hpp"
#include "mapping/model.hpp"

namespace zohosync::daemon {

struct CollectionCounts {
  std::size_t records_seen = 0;
  std::size_t creates = 0;  // planned (and, unless dry-run, sent)
  std::size_t updates = 0;
  std::size_t deletes = 0;
  std::size_t links = 0;
  std::size_t unlinks = 0;
  std::size_t conflicts = 0;  // decided by the policy or held
  std::size_t held = 0;       // conflicts held for manual resolution
  std::size_t skipped = 0;    // no email, no parent id, unknown collection
  std::size_t duplicates = 0;
  std::size_t quarantined = 0;
  std::size_t refused = 0;    // per-record errors found while planning, guard refusals
  std::size_t confirmed = 0;  // writes the product confirmed
  std::size_t failed = 0;     // writes the product refused or could not take
};

struct Failure {
  std::string collection;
  std::string record_id;
  std::string person_email;
  connectors::ErrorClass error_class = connectors::ErrorClass::fatal;
  std::string message;
};

struct CycleReport {
  bool dry_run = false;
  std::map<std::string, CollectionCounts> collections;
  std::vector<Failure> failures;
  std::vector<std::string> unknown_collections;  // could not be listed
  // Of those, the ones whose product could not be reached at all (no name,
  // no connection): their failure is an outage, not a record's.
  std::set<std::string, std::less<>> unreachable_collections;
  std::vector<mapping::Action> actions;  // only with CycleOptions::keep_actions
  std::size_t resumed = 0;               // outbox entries from an earlier cycle, sent first
  std::size_t pending = 0;  // outbox entries left for the next cycle (transient failures)
  std::size_t planned_writes = 0;
  // Of `pending`: writes not sent because their product's budget could not
  // pay for them now (CycleOptions::write_budget), by collection.
  std::map<std::string, std::size_t, std::less<>> held_for_budget;
  bool fatal = false;  // a configuration or fatal error stopped the cycle

  // True when nothing failed, nothing was held back, and nothing was left pending.
  bool ok() const;
  std::size_t total(std::size_t CollectionCounts::*field) const;
};

// The product a collection belongs to: "crm" for "crm.contacts".
std::string product_of(std::string_view collection);

}  // namespace zohosync::daemon
