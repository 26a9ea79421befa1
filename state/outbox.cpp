#include "state/outbox.hpp"

#include "state/codec.hpp"
#include "state/rows.hpp"
#include "state/store.hpp"

namespace zohosync::state {

std::string Outbox::key_for(const mapping::Action& action) {
  std::string key;
  switch (action.kind) {
    case mapping::ActionKind::create:
      key = "c";
      break;
    case mapping::ActionKind::update:
      key = "u";
      break;
    case mapping::ActionKind::remove:
      key = "r";
      break;
    default:
      throw Error(ErrorKind::other, "state: only create, update and delete go to the outbox");
  }
  key.push_back('\0');
  key += action.collection;
  key.push_back('\0');
  if (action.kind == mapping::ActionKind::create) {
    key += encode_u64_key(action.person);
  } else {
    key += action.record_id;
  }
  return key;
}

std::string Outbox::put(WriteTxn& txn, const Store& store, const mapping::Action& action) {
  std::string key = key_for(action);
  if (action.kind == mapping::ActionKind::remove) {
    // A record about to be deleted needs no pending update first.
    mapping::Action update = action;
    update.kind = mapping::ActionKind::update;
    const std::string update_key = key_for(update);
    if (txn.del(store.db("outbox"), update_key))
      txn.del(store.db("claims"), update_key);
  }
  txn.put(store.db("outbox"), key, encode_action(action));
  return key;
}

bool Outbox::erase(WriteTxn& txn, const Store& store, std::string_view key) {
  txn.del(store.db("claims"), key);  // a claim outlives no entry (outbox_claims.hpp)
  return txn.del(store.db("outbox"), key);
}

std::optional<std::string_view> Outbox::get(const Txn& txn, const Store& store,
                                            std::string_view key) {
  return txn.get(store.db("outbox"), key);
}

std::vector<OutboxEntry> Outbox::pending(const Txn& txn, const Store& store) {
  std::vector<OutboxEntry> out;
  auto cursor = txn.cursor(store.db("outbox"));
  for (auto at = cursor.first(); at; at = cursor.next()) {
    out.push_back({std::string(at->first), decode_action(at->second), std::string(at->second)});
  }
  return out;
}

std::map<std::string, OutboxCounts> Outbox::counts(const Txn& txn, const Store& store) {
  std::map<std::string, OutboxCounts> out;
  auto cursor = txn.cursor(store.db("outbox"));
  for (auto at = cursor.first(); at; at = cursor.next()) {
    // The key alone tells the kind and the target: no entry is decoded.
    const std::string_view key = at->first;
    if (key.size() < 3 || key[1] != '\0')
      continue;
    const std::size_t end = key.find('\0', 2);
    if (end == std::string_view::npos)
      continue;
    OutboxCounts& counts = out[std::string(key.substr(2, end - 2))];
    if (key[0] == 'c')
      ++counts.creates;
    else if (key[0] == 'u')
      ++counts.updates;
    else if (key[0] == 'r')
      ++counts.deletes;
  }
  return out;
}

std::uint64_t Outbox::size(const Txn& txn, const Store& store) {
  return txn.count(store.db("outbox"));
}

}  // namespace zohosync::state
