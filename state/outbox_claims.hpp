// Claims on outbox entries, so that two zohosync processes on one state dir
// (the daemon and a `reconcile` beside it) never send the same write twice.
//
// A process claims the entries of a batch in one short write transaction
// before it sends them, with no lock held while they are on the wire. Another
// process leaves an entry alone while its claim names a process that runs;
// the claim of a process that died (a crash, a kill) binds nobody.
//
// A claim remembers the entry as it was when claimed. When the batch is
// recorded, the entry is removed only if it is still that one: a plan that
// replaced it meanwhile (newer values for the same target) stays queued and
// is sent in its turn.
//
// Table "claims": outbox key -> owner \0 the entry's stored bytes.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "state/lmdb.hpp"

namespace zohosync::state {

class Store;

struct OutboxClaim {
  std::string owner;  // "PID:START" (process_identity.hpp), maybe with a "/suffix"
  std::string entry;  // the outbox entry's bytes when claimed
};

std::optional<OutboxClaim> read_claim(const Txn& txn, const Store& store, std::string_view key);
void put_claim(WriteTxn& txn, const Store& store, std::string_view key, const OutboxClaim& claim);
void erase_claim(WriteTxn& txn, const Store& store, std::string_view key);

// Whether a claim binds `owner`: it names another owner whose process runs.
bool claimed_by_other(const OutboxClaim& claim, std::string_view owner);

}  // namespace zohosync::state
