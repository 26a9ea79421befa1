#include "state/conflict_keys.hpp"

#include <string>
#include <utility>
#include <vector>

#include "state/rows.hpp"
#include "state/store.hpp"

namespace zohosync::state {

std::size_t rekey_conflicts(WriteTxn& txn, const Store& store) {
  const Dbi conflicts = store.db("conflicts");
  // Collect first: a cursor of a write transaction does not survive writes.
  std::vector<std::pair<std::string, std::string>> moves;  // old key, value
  {
    auto cursor = txn.cursor(conflicts);
    for (auto at = cursor.first(); at; at = cursor.next()) {
      const mapping::ConflictRow row = decode_conflict(at->second);
      if (at->first != conflict_key(row.person, row.field, row.collection))
        moves.emplace_back(std::string(at->first), std::string(at->second));
    }
  }
  for (const auto& [old_key, value] : moves) {
    const mapping::ConflictRow row = decode_conflict(value);
    txn.del(conflicts, old_key);
    txn.put(conflicts, conflict_key(row.person, row.field, row.collection), value);
  }
  return moves.size();
}

}  // namespace zohosync::state
