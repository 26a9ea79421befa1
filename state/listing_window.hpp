// What changed in the state while a listing was on the wire, so that two
// zohosync processes on one state dir can cycle side by side.
//
// A cycle lists the products with no lock held, then plans from what it
// listed. Another process may have planned or confirmed writes meanwhile: a
// record it linked after the listing began is missing from that listing but
// not deleted, and a record it unlinked or wrote shows there as it was
// before. Judging those from the older listing would delete, resurrect or
// revert them. So:
//   - a listing about to start is registered with the store's commit
//     sequence at that moment (begin_listing);
//   - while any listing is registered, every transaction that changes a link
//     (Tables) takes the next commit sequence and notes each record it touched;
//   - the plan leaves out the records touched after its listing began
//     (touched_since): they are judged again by the next cycle, from a newer
//     listing; and ends the registration (end_listing).
// Notes older than every registered listing are pruned, so the table stays
// empty while one process cycles alone.
//
// Tables "listings": owner -> u64 start sequence; "touched": collection \0
// record -> u64 sequence. Meta "commit_seq": the last sequence taken (decimal).
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "state/lmdb.hpp"

namespace zohosync::state {

class Store;

// Registers the owner's listing (replacing an earlier registration of the same
// owner) and returns its start sequence. Prunes registrations of processes
// that no longer run.
std::uint64_t begin_listing(WriteTxn& txn, const Store& store, std::string_view owner);
// Ends the owner's registration and prunes the notes no listing needs.
void end_listing(WriteTxn& txn, const Store& store, std::string_view owner);

// Records of `collection` some transaction touched after `since`.
std::set<std::string, std::less<>> touched_since(const Txn& txn, const Store& store,
                                                 std::string_view collection, std::uint64_t since);

// Notes records touched by one write transaction (used by Tables). Does
// nothing while no listing is registered.
class TouchNotes {
 public:
  TouchNotes(WriteTxn& txn, const Store& store);
  void note(std::string_view collection, std::string_view record_id);

 private:
  WriteTxn& txn_;
  const Store& store_;
  int tracking_ = -1;      // -1: not looked at yet
  std::uint64_t seq_ = 0;  // 0: not taken yet
};

}  // namespace zohosync::state
