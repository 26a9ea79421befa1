#pragma once
// What the planner is given: each collection's listing for the cycle, as the
// connectors read it.

#include <cstdint>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "mapping/collections.hpp"

namespace zohosync::mapping {

// One record as a connector listed it (the connectors' Record has the same shape).
struct ObservedRecord {
  std::string id;
  std::string parent_id;
  NativeFields fields;
  std::int64_t modified_ms = 0;
  std::int64_t created_ms = 0;  // orders within-product duplicates (oldest is linked)
};

// One collection's listing for this cycle.
struct Observation {
  std::string collection;
  // False when the listing failed or stopped early: the collection is
  // "unknown", never "empty" -- nothing is inferred from it and nothing is
  // written to it this cycle.
  bool complete = true;
  // True when `records` holds every record (a full listing rather than the
  // changes since a cursor): linked records missing from it were deleted.
  bool full = false;
  std::vector<ObservedRecord> records;
  std::vector<std::string> deleted;  // ids the product reports as deleted
  // Parents whose records an incremental listing read whole: a record linked
  // under one of them that the listing does not hold (under any parent: a
  // moved record is not deleted) was deleted, as if the product had named it.
  std::set<std::string, std::less<>> complete_parents;
  // Records another process linked, unlinked or wrote while this listing was
  // on the wire: the listing is older than what the state knows of them, so
  // they are neither judged from it nor inferred deleted by their absence
  // (the engine leaves them out of `records` and `deleted`).
  std::set<std::string, std::less<>> not_judged;
};

}  // namespace zohosync::mapping
