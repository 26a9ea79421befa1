// Claims on outbox entries, so that two zohosync processes on one state dir
// (the daemon and a `reconcile` beside it) never send the same write twice.
//
// A process claims the entries of a batch in one short write transaction
// before it sends them, with no lock held while they are on the wire. Another
// process leaves an entry alone while its claim names a process that runs;
// the claim of a process that died (a crash, a kill) binds nobody.
//
// The claimant remembers the entry as it was when claimed. When the batch
// is recorded, the entry is removed only if it is still that one: a plan that
// replaced it meanwhile (newer values for the same target) stays queued and
// is sent in its turn.
//
// Table "claims": outbox key -> owner ("PID:START" of process_identity.hpp,
// maybe with a "/suffix" that tells engines of one process apart).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "state/lmdb.hpp"

namespace zohosync::state {

class Store;

// The owner of the claim on an outbox entry, if any.
std::optional<std::string> claim_owner(const Txn& txn, const Store& store, std::string_view key);
void put_claim(WriteTxn& txn, const Store& store, std::string_view key, std::string_view owner);
void erase_claim(WriteTxn& txn, const Store& store, std::string_view key);

// Whether a claim by `claimant` binds `owner`: another owner, whose process runs.
bool claimed_by_other(std::string_view claimant, std::string_view owner);

}  // namespace zohosync::state
