#include "state/outbox_claims.hpp"

#include "state/store.hpp"

namespace zohosync::state {

std::optional<std::string> claim_owner(const Txn& txn, const Store& store, std::string_view key) {
  auto value = txn.get(store.db("claims"), key);
  if (!value)
    return std::nullopt;
  return std::string(*value);
}

void put_claim(WriteTxn& txn, const Store& store, std::string_view key, std::string_view owner) {
  txn.put(store.db("claims"), key, owner);
}

void erase_claim(WriteTxn& txn, const Store& store, std::string_view key) {
  txn.del(store.db("claims"), key);
}

void for_each_claim(const Txn& txn, const Store& store,
                    const std::function<void(std::string_view key, std::string_view owner)>& fn) {
  auto cursor = txn.cursor(store.db("claims"));
  for (auto at = cursor.first(); at; at = cursor.next())
    fn(at->first, at->second);
}

bool claimed_by_other(const Store& store, std::string_view claimant, std::string_view owner) {
  return claimant != owner && store.owner_present(claimant);
}

}  // namespace zohosync::state
