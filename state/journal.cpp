#include "state/journal.hpp"

#include <algorithm>
#include <charconv>

#include "state/codec.hpp"
#include "state/store.hpp"

namespace zohosync::state {
namespace {

constexpr std::uint8_t kFormatVersion = 1;

Error malformed(std::string_view dir, std::string_view what) {
  return Error(ErrorKind::corrupted,
               "state dir " + std::string(dir) + ": journal " + std::string(what) +
                   "; the state is damaged: restore a backup or move it aside");
}

// The seq after the last key in the journal (1 when empty).
std::uint64_t after_last_key(const Txn& txn, Dbi journal) {
  auto cursor = txn.cursor(journal);
  auto last = cursor.last();
  if (!last)
    return 1;
  auto seq = decode_u64_key(last->first);
  if (!seq)
    throw malformed(txn.dir(), "has a key that is not a sequence number");
  return *seq + 1;
}

}  // namespace

std::string Journal::encode(const JournalEntry& entry) {
  ByteWriter w;
  w.u8(kFormatVersion);
  w.i64_be(entry.time_ms);
  w.string(entry.person_id);
  w.string(entry.person_email);
  w.string(entry.operation);
  w.string(entry.origin_collection);
  w.string(entry.origin_record);
  w.string(entry.target_collection);
  w.string(entry.target_record);
  w.string(entry.product_modified_time);
  w.string(entry.reason);
  w.varint(entry.fields.size());
  for (const auto& change : entry.fields) {
    w.string(change.field);
    w.string(change.before);
    w.string(change.after);
  }
  return w.take();
}

JournalEntry Journal::decode(std::uint64_t seq, std::string_view bytes) {
  ByteReader r(bytes);
  JournalEntry entry;
  entry.seq = seq;
  if (r.u8() != kFormatVersion) {
    throw Error(ErrorKind::corrupted,
                "journal entry " + std::to_string(seq) + " has an unknown format version");
  }
  entry.time_ms = r.i64_be();
  entry.person_id = r.string();
  entry.person_email = r.string();
  entry.operation = r.string();
  entry.origin_collection = r.string();
  entry.origin_record = r.string();
  entry.target_collection = r.string();
  entry.target_record = r.string();
  entry.product_modified_time = r.string();
  entry.reason = r.string();
  std::uint64_t count = r.varint();
  // Each change takes at least 3 bytes, which bounds a damaged count.
  if (!r.ok() || count > bytes.size())
    count = 0;
  for (std::uint64_t i = 0; i < count && r.ok(); ++i) {
    FieldChange change;
    change.field = r.string();
    change.before = r.string();
    change.after = r.string();
    entry.fields.push_back(std::move(change));
  }
  if (!r.ok() || !r.at_end()) {
    throw Error(ErrorKind::corrupted, "journal entry " + std::to_string(seq) + " is malformed");
  }
  return entry;
}

std::uint64_t Journal::next_seq(const Txn& txn, const Store& store) {
  std::uint64_t next = 1;
  if (auto text = txn.get(store.db("meta"), kMetaJournalNextSeq)) {
    auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), next);
    if (ec != std::errc() || end != text->data() + text->size() || next == 0) {
      throw malformed(txn.dir(), "next sequence number in meta is not a number");
    }
  }
  // Trust the larger of the two, so a lost meta key never reuses a seq.
  return std::max(next, after_last_key(txn, store.db("journal")));
}

std::uint64_t Journal::append(WriteTxn& txn, const Store& store, JournalEntry entry) {
  std::uint64_t seq = next_seq(txn, store);
  entry.seq = seq;
  // MDB_APPEND: cheaper, and LMDB rejects it if the key would not be the last.
  txn.put(store.db("journal"), encode_u64_key(seq), encode(entry), MDB_APPEND);
  txn.put(store.db("meta"), kMetaJournalNextSeq, std::to_string(seq + 1));
  return seq;
}

std::vector<JournalEntry> Journal::read(const Txn& txn, const Store& store, std::uint64_t from_seq,
                                        std::size_t limit) {
  std::vector<JournalEntry> entries;
  auto cursor = txn.cursor(store.db("journal"));
  for (auto at = cursor.seek(encode_u64_key(from_seq)); at; at = cursor.next()) {
    if (limit != 0 && entries.size() == limit)
      break;
    auto seq = decode_u64_key(at->first);
    if (!seq)
      throw malformed(txn.dir(), "has a key that is not a sequence number");
    entries.push_back(decode(*seq, at->second));
  }
  return entries;
}

std::size_t Journal::prune(WriteTxn& txn, const Store& store, std::size_t max_entries,
                           std::int64_t max_age_ms, std::int64_t now_ms) {
  Dbi journal = store.db("journal");
  std::uint64_t remaining = txn.count(journal);
  std::size_t removed = 0;
  // Taken before deleting: after pruning everything the keys no longer tell.
  std::uint64_t next = next_seq(txn, store);
  {
    auto cursor = txn.cursor(journal);
    // Always the oldest remaining entry; re-seeking after each delete does not
    // depend on where LMDB leaves a cursor after deleting under it.
    for (auto at = cursor.first(); at; at = cursor.first()) {
      bool over_count = max_entries != 0 && remaining > max_entries;
      bool too_old = false;
      if (max_age_ms != 0) {
        ByteReader r(at->second);
        r.u8();
        std::int64_t time_ms = r.i64_be();
        if (!r.ok())
          throw malformed(txn.dir(), "entry is truncated");
        too_old = time_ms < now_ms - max_age_ms;
      }
      if (!over_count && !too_old)
        break;
      cursor.del();
      --remaining;
      ++removed;
    }
  }
  if (removed != 0)
    txn.put(store.db("meta"), kMetaJournalNextSeq, std::to_string(next));
  return removed;
}

}  // namespace zohosync::state
