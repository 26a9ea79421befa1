// Claims on outbox entries, so that two zohosync processes on one state dir
// (the daemon and a `reconcile` beside it) never send the same write twice.
//
// A process claims the entries of a batch in one short write transaction
// before it sends them, with no lock held while they are on the wire. Another
// process leaves an entry alone while its claimant still has the state dir
// open (process_presence.hpp); the claim of a process that died (a crash, a
// kill) binds nobody.
//
// The claimant remembers the entry as it was when claimed. When the batch
// is recorded, the entry is removed only if it is still that one: a plan that
// replaced it meanwhile (newer values for the same target) stays queued and
// is sent in its turn.
//
// Table "claims": outbox key -> owner (Store::owner(), maybe with a "/suffix"
// that tells engines of one process apart).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "state/lmdb.hpp"

namespace zohosync::state {

class Store;

// The claim left on a write taken up and given back unfinished (a batch
// cancelled, a send that failed and stays queued): it binds nobody, and tells
// whoever takes the write up next that it may have reached the product, so a
// create looks its email up first.
inline constexpr std::string_view kClaimGivenBack = "given-back";

// The owner of the claim on an outbox entry, if any.
std::optional<std::string> claim_owner(const Txn& txn, const Store& store, std::string_view key);
void put_claim(WriteTxn& txn, const Store& store, std::string_view key, std::string_view owner);
void erase_claim(WriteTxn& txn, const Store& store, std::string_view key);

// Calls `fn(key, owner)` for every claim, in key order.
void for_each_claim(const Txn& txn, const Store& store,
                    const std::function<void(std::string_view key, std::string_view owner)>& fn);

// Whether a claim by `claimant` binds `owner`: another owner, whose process
// still has the state dir open (Store::owner_present).
bool claimed_by_other(const Store& store, std::string_view claimant, std::string_view owner);

}  // namespace zohosync::state
