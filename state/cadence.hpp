// How often the daemon really reads each collection, as it measured it: kept
// in meta "cadence:<collection>" (stored on disk, never rename the prefix) so
// that `zohosync status` shows it beside the state, and the next start can
// say what the last run saw before it has measured anything itself.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "state/lmdb.hpp"

namespace zohosync::state {

class Store;

struct Cadence {
  std::int64_t poll_interval_ms = 0;       // as configured
  std::int64_t effective_interval_ms = 0;  // measured between listings that answered; 0: not yet
  // A listing spread over polls (Projects in the daemon: a pass over the
  // clients, a slice per poll): where the pass under way stands.
  std::uint64_t parents_read = 0;
  std::uint64_t parents_total = 0;      // 0: not such a listing, or not known yet
  std::int64_t last_pass_ms = 0;        // how long the last whole pass took; 0: none yet
  std::int64_t pass_remaining_ms = -1;  // estimated, for the pass under way; -1: unknown
  std::int64_t updated_ms = 0;          // Unix ms
};

void write_cadence(WriteTxn& txn, const Store& store, std::string_view collection,
                   const Cadence& cadence);
// Every collection's; a value that does not decode is left out.
std::map<std::string, Cadence> read_cadences(const Txn& txn, const Store& store);

}  // namespace zohosync::state
