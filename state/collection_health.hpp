// How each collection last fared, as the process that synced it saw it: kept
// in meta "health:<collection>" (stored on disk, never rename the prefix) so
// that `zohosync status`, the daemon's /status and its page answer "is it
// healthy?" for the daemon and for one-shot runs alike.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "state/lmdb.hpp"

namespace zohosync::state {

class Store;

struct CollectionHealth {
  std::int64_t last_success_ms = 0;  // Unix ms of the last cycle that read it; 0: never
  std::int64_t last_failure_ms = 0;  // of the last cycle that could not; 0: never
  std::string last_error;            // that failure's reason (no secret: connector messages)
  std::int64_t next_poll_ms = 0;     // when the daemon reads it next; 0: not scheduled
};

// Records one cycle's outcome for `collection`: `error` empty is a success.
// The other fields are kept as they were (a success keeps the last failure
// for the record). next_poll_ms is replaced unless negative.
void record_cycle_outcome(WriteTxn& txn, const Store& store, std::string_view collection,
                          std::int64_t now_ms, std::string_view error,
                          std::int64_t next_poll_ms = -1);

// Every collection's; a value that does not decode is left out.
std::map<std::string, CollectionHealth> read_collection_health(const Txn& txn, const Store& store);

}  // namespace zohosync::state
