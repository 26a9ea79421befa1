#include "state/listing_window.hpp"

#include <algorithm>
#include <charconv>
#include <limits>
#include <vector>

#include "state/codec.hpp"
#include "state/store.hpp"

namespace zohosync::state {

namespace {

constexpr std::string_view kMetaCommitSeq = "commit_seq";

std::uint64_t read_commit_seq(const Txn& txn, const Store& store) {
  std::uint64_t seq = 0;
  if (auto text = txn.get(store.db("meta"), kMetaCommitSeq))
    std::from_chars(text->data(), text->data() + text->size(), seq);
  return seq;
}

std::string touched_key(std::string_view collection, std::string_view record_id) {
  std::string key(collection);
  key.push_back('\0');
  key += record_id;
  return key;
}

// Drops registrations of processes that no longer run and every note older
// than the oldest registration left (all of them when none is left).
void prune(WriteTxn& txn, const Store& store) {
  const Dbi listings = store.db("listings");
  std::vector<std::string> dead;
  std::uint64_t oldest = std::numeric_limits<std::uint64_t>::max();
  {
    auto cursor = txn.cursor(listings);
    for (auto at = cursor.first(); at; at = cursor.next()) {
      const std::string_view owner = at->first;
      if (!store.owner_present(owner)) {
        dead.emplace_back(owner);
        continue;
      }
      oldest = std::min(oldest, decode_u64_key(at->second).value_or(0));
    }
  }
  for (const std::string& owner : dead)
    txn.del(listings, owner);
  const Dbi touched = store.db("touched");
  if (oldest == std::numeric_limits<std::uint64_t>::max()) {
    txn.clear(touched);
    return;
  }
  std::vector<std::string> stale;
  {
    auto cursor = txn.cursor(touched);
    for (auto at = cursor.first(); at; at = cursor.next()) {
      if (decode_u64_key(at->second).value_or(0) <= oldest)
        stale.emplace_back(at->first);
    }
  }
  for (const std::string& key : stale)
    txn.del(touched, key);
}

}  // namespace

std::uint64_t begin_listing(WriteTxn& txn, const Store& store, std::string_view owner) {
  const std::uint64_t since = read_commit_seq(txn, store);
  txn.put(store.db("listings"), owner, encode_u64_key(since));
  prune(txn, store);
  return since;
}

void end_listing(WriteTxn& txn, const Store& store, std::string_view owner) {
  txn.del(store.db("listings"), owner);
  prune(txn, store);
}

std::set<std::string, std::less<>> touched_since(const Txn& txn, const Store& store,
                                                 std::string_view collection, std::uint64_t since) {
  std::set<std::string, std::less<>> out;
  std::string prefix(collection);
  prefix.push_back('\0');
  auto cursor = txn.cursor(store.db("touched"));
  for (auto at = cursor.seek(prefix); at && at->first.substr(0, prefix.size()) == prefix;
       at = cursor.next()) {
    if (decode_u64_key(at->second).value_or(0) > since)
      out.emplace(at->first.substr(prefix.size()));
  }
  return out;
}

TouchNotes::TouchNotes(WriteTxn& txn, const Store& store) : txn_(txn), store_(store) {}

void TouchNotes::note(std::string_view collection, std::string_view record_id) {
  if (tracking_ < 0)
    tracking_ = txn_.count(store_.db("listings")) > 0 ? 1 : 0;
  if (tracking_ == 0)
    return;
  if (seq_ == 0) {
    seq_ = read_commit_seq(txn_, store_) + 1;
    txn_.put(store_.db("meta"), kMetaCommitSeq, std::to_string(seq_));
  }
  txn_.put(store_.db("touched"), touched_key(collection, record_id), encode_u64_key(seq_));
}

}  // namespace zohosync::state
