// Schema 1 kept one open conflict per (person, field): the conflicts table
// was keyed u64_be person, u8 field, so a second record of the person held on
// the same field replaced the first. Schema 2 keys it by (person, field,
// collection) (rows.hpp); the stored value already names the collection, so
// opening a schema-1 store re-keys every row in place.
#pragma once

#include <cstddef>

#include "state/lmdb.hpp"

namespace zohosync::state {

class Store;

// Schema 1 -> 2, inside the open's write transaction: moves every conflict
// row whose key is not the one its value gives (rows.hpp conflict_key) onto
// that key. Rows already keyed so are left alone. Returns how many moved.
std::size_t rekey_conflicts(WriteTxn& txn, const Store& store);

}  // namespace zohosync::state
