// The journal: an append-only audit log of every change zohosync applied,
// one entry per write, keyed by a 64-bit sequence number.
//
// - Keys are 8-byte big-endian seq (codec.hpp), so cursor order is seq order.
// - Seqs are assigned by append(), start at 1, strictly increase and are never
//   reused: the next seq lives in meta "journal_next_seq", so neither pruning
//   every entry nor reopening the store resets it. Readers keep their last
//   seen seq and read(from_seq = last + 1) — the strfry pattern.
// - Retention (prune) always removes a prefix (the oldest entries), so the
//   journal stays one contiguous range of seqs.
//
// Value encoding (stored on disk, never change; add a version instead), all
// with ByteWriter: u8 format version (1), i64_be time_ms, then strings
// person_id, person_email, operation, origin_collection, origin_record,
// target_collection, target_record, product_modified_time, reason, then a
// varint count of field changes, each as strings field, before, after.
// The seq is the key and is not repeated in the value.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "state/lmdb.hpp"

namespace zohosync::state {

class Store;

struct FieldChange {
  std::string field;
  std::string before;
  std::string after;
};

struct JournalEntry {
  std::uint64_t seq = 0;     // assigned by append, strictly increasing, never reused
  std::int64_t time_ms = 0;  // when we applied it (unix ms; passed in by the caller)
  std::string person_id, person_email;
  std::string operation;                         // "create", "update", "delete", "link", ...
  std::string origin_collection, origin_record;  // where the change came from
  std::string target_collection, target_record;  // where we wrote it
  std::vector<FieldChange> fields;
  std::string product_modified_time;  // what the target reported after our write (echo detection)
  std::string reason;
};

class Journal {
 public:
  // Stores the entry under the next seq (entry.seq is ignored) and returns it.
  static std::uint64_t append(WriteTxn& txn, const Store& store, JournalEntry entry);

  // Entries with seq >= from_seq in ascending order, at most `limit` of them
  // (0 = all). Works inside a read or a write transaction.
  static std::vector<JournalEntry> read(const Txn& txn, const Store& store, std::uint64_t from_seq,
                                        std::size_t limit);

  // Retention: removes the oldest entries while more than max_entries remain
  // or while the oldest is older than now_ms - max_age_ms (each limit 0 =
  // none). Stops at the first entry both limits keep. Returns how many went.
  static std::size_t prune(WriteTxn& txn, const Store& store, std::size_t max_entries,
                           std::int64_t max_age_ms, std::int64_t now_ms);

  // The seq the next append will get (1 on an empty store).
  static std::uint64_t next_seq(const Txn& txn, const Store& store);

  // The on-disk value encoding (see above); decode throws Error(corrupted).
  static std::string encode(const JournalEntry& entry);
  static JournalEntry decode(std::uint64_t seq, std::string_view bytes);
};

}  // namespace zohosync::state
