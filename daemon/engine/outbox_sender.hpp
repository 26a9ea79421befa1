#pragma once
// Step 3 of a cycle: sends what the outbox holds, batch by batch, and
// records each confirmed write (link, base, journal entry, outbox entry
// removed) in one transaction per batch. The send policy:
//   - deletes and updates go before creates, never in one batch with them;
//   - a create looks its email up in the target first, so a retry or a
//     resumed create never makes a duplicate, unless this cycle's listing
//     proves the email is not there, or the product's create matches by
//     email itself;
//   - a create that meets a tombstone (its person deleted everywhere since
//     it was planned) is dropped, not sent;
//   - with a write budget (the daemon), a write its product's budget cannot
//     pay for now is not sent: it stays in the outbox for a later pass;
//   - each batch's writes are claimed before they are sent (no lock held
//     while they are on the wire): another zohosync process on the state dir
//     leaves them alone, and sends the ones it claimed itself;
//   - a collection whose product did not answer this cycle's listing, or
//     that failed transiently in several batches in a row with no success,
//     gets no more writes this cycle: they stay pending.

#include <boost/asio/awaitable.hpp>
#include <cstddef>
#include <exception>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/connector.hpp"
#include "daemon/engine/cycle_options.hpp"
#include "daemon/engine/report.hpp"
#include "mapping/model.hpp"
#include "mapping/settings.hpp"

namespace zohosync::state {
class Store;
class WriteTxn;
}  // namespace zohosync::state

namespace zohosync::daemon {

// What the planner of this cycle knew: collections it saw in full, and the
// outbox entries that were already there before it planned.
struct FreshWrites {
  std::set<std::string, std::less<>> fully_listed;
  std::set<std::string, std::less<>> earlier_keys;
  // Collections listed in full after every earlier send ended, with the
  // (normalized) emails they hold: a create whose email is not there was
  // never carried out and needs no lookup, whoever planned it.
  std::map<std::string, std::set<std::string>, std::less<>> listed_emails;
  // Outbox entries another running process had claimed when that listing
  // began: their sends may land after it, so it does not spare their lookup.
  std::set<std::string, std::less<>> in_flight_at_listing;
  // Collections whose product did not answer this cycle's listing (down,
  // or failing): their pending writes wait for a cycle where it does,
  // instead of spending retries now.
  std::set<std::string, std::less<>> unanswered;
};

struct PendingWrite;

class OutboxSender {
 public:
  // The store and the connectors must outlive the sender; `stop_requested`
  // is read before each batch (a stop lets the batch in flight finish).
  // `owner` names this engine in its claims on outbox entries
  // (state/outbox_claims.hpp).
  // `settings` gives each collection's include rules (a record found by email
  // must match them to be linked).
  OutboxSender(state::Store& store, const mapping::SyncSettings& settings,
               const std::vector<connectors::Connector*>& connectors, const bool& stop_requested,
               const std::string& owner)
      : store_(store),
        settings_(settings),
        connectors_(connectors),
        stop_requested_(stop_requested),
        owner_(owner) {}

  // `fresh` is nullptr when no listing preceded (a drain on its own): every
  // create is looked up first.
  boost::asio::awaitable<void> drain(CycleReport& report, const CycleOptions& options,
                                     const FreshWrites* fresh);

 private:
  boost::asio::awaitable<void> send_batch(std::vector<PendingWrite>& writes,
                                          const std::set<std::string, std::less<>>& blocked,
                                          const CycleOptions& options, std::size_t& sent,
                                          std::size_t total, std::exception_ptr& crash);
  boost::asio::awaitable<bool> send_one(PendingWrite& write);
  // Claims the batch's writes about to be sent, in one transaction: a write
  // another running process claimed is left to it, one already recorded is
  // gone, one planned again since it was read is sent as it is now.
  void claim(std::vector<PendingWrite>& writes);
  // Gives up the batch's claims without recording anything (a cancelled or
  // failed batch): the entries stay in the outbox for whoever comes next.
  void release_claims(const std::vector<PendingWrite>& writes) noexcept;
  // Ends this engine's claim on one entry (another's, if it took over, stays).
  void release_claim(state::WriteTxn& txn, std::string_view key) const;
  // Records one batch's results (writes first..last of the outbox) in one
  // transaction; each journal entry carries its write's own time.
  void record(std::vector<PendingWrite>& writes, std::size_t first, std::size_t last,
              CycleReport& report);
  // The person a record is linked to now (a short read transaction).
  std::optional<mapping::PersonId> linked_person(std::string_view collection,
                                                 std::string_view record_id) const;
  // What sending the write may cost in requests: a lookup first, then the
  // write (a batched create costs its share of one request).
  double request_cost(const PendingWrite& write) const;
  // Marks held the writes their product's budget cannot pay for now
  // (CycleOptions::write_budget): they stay in the outbox.
  void hold_for_budget(std::vector<PendingWrite>& writes, const CycleOptions& options) const;
  // Takes the write's entry out of the outbox if it is still as the write
  // read it: one planned again while it was on the wire stays, for its turn.
  void erase_if_unchanged(state::WriteTxn& txn, const PendingWrite& w) const;
  // Whether a create looks its email up first when nothing spares it.
  bool looks_up(const PendingWrite& w) const;
  // Whether the person is still in the state (a short read transaction).
  bool person_known(mapping::PersonId person) const;
  // Whether the person has a record linked there now (a short read transaction).
  bool linked_in(mapping::PersonId person, std::string_view collection) const;
  // Whether a tombstone stops creating the email there (a short read transaction).
  bool tombstoned(std::string_view collection, std::string_view email) const;
  connectors::Connector* connector(std::string_view collection) const;

  state::Store& store_;
  const mapping::SyncSettings& settings_;
  const std::vector<connectors::Connector*>& connectors_;
  const bool& stop_requested_;
  const std::string& owner_;
};

}  // namespace zohosync::daemon
