// Schema 1 keyed Contracts counterparty contacts by their email; schema 2 by
// the id their rows carry, which stays when a user edits the email. The ids
// are known only once Contracts answers, so opening a schema-1 store marks it
// (mark_email_keyed_links) and each listing re-keys the links whose email it
// finds (rekey_email_keyed_links): on first contact, never by creating
// anything. A link whose email the product no longer lists keeps its old key
// and is handled as a record gone from that product, as before the upgrade.
#pragma once

#include <cstddef>

#include "mapping/planner.hpp"
#include "state/lmdb.hpp"

namespace zohosync::state {

class Store;
class Tables;

// The meta key that says links keyed by email may remain ("1").
inline constexpr std::string_view kMetaEmailKeyedLinks = "email_keyed_links";

// Schema 1 -> 2, inside the open's write transaction: marks the store when
// it holds any Contracts link, and drops the Contracts cursor so that the
// next listing is a full one.
void mark_email_keyed_links(WriteTxn& txn, const Store& store);

bool has_email_keyed_links(const Txn& txn, const Store& store);

// Contracts only (the one collection schema 1 keyed by email): moves every link keyed by an email
// (a record id with an '@'; no product's own id has one) onto the id of the listed record with that
// email (compared normalized), with its base, person and open conflicts. Clears the mark once no
// such link remains (only Contracts links ever had one). Returns how many moved.
std::size_t rekey_email_keyed_links(WriteTxn& txn, const Store& store, Tables& tables,
                                    const mapping::Observation& listed);

}  // namespace zohosync::state
