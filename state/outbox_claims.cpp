#include "state/outbox_claims.hpp"

#include "common/process_identity.hpp"
#include "state/store.hpp"

namespace zohosync::state {

std::optional<OutboxClaim> read_claim(const Txn& txn, const Store& store, std::string_view key) {
  auto value = txn.get(store.db("claims"), key);
  if (!value)
    return std::nullopt;
  const std::size_t end = value->find('\0');
  if (end == std::string_view::npos)
    return OutboxClaim{std::string(*value), {}};
  return OutboxClaim{std::string(value->substr(0, end)), std::string(value->substr(end + 1))};
}

void put_claim(WriteTxn& txn, const Store& store, std::string_view key, const OutboxClaim& claim) {
  std::string value = claim.owner;
  value.push_back('\0');
  value += claim.entry;
  txn.put(store.db("claims"), key, value);
}

void erase_claim(WriteTxn& txn, const Store& store, std::string_view key) {
  txn.del(store.db("claims"), key);
}

bool claimed_by_other(const OutboxClaim& claim, std::string_view owner) {
  if (claim.owner == owner)
    return false;
  // "PID:START/suffix": the suffix tells engines of one process apart.
  const std::string_view process = std::string_view(claim.owner).substr(0, claim.owner.find('/'));
  return process_alive(process);
}

}  // namespace zohosync::state
