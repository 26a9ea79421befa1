#pragma once
// The one interface every collection connector implements (DESIGN.md,
// "Connectors"). Async with C++20 coroutines on Boost.Asio; failures are
// thrown as ConnectorError, classified by who must act (errors.hpp).
//
// Contract (checked by the conformance suite, met by the in-memory connector):
// - list(since): since == "" lists every record (Listing::full = true);
//   otherwise the changes since that cursor (incremental, may overlap: a
//   record seen twice is harmless). Pages until the product says no more.
//   A listing that cannot finish throws (transient/configuration/fatal) or
//   returns complete = false: the engine then treats the collection as
//   "unknown", never as "empty". An incremental listing reports deletes by
//   id (deleted) or by naming the parents it re-read whole (complete_parents).
// - Every Record returned by create/update/find_by_email is what the product
//   stored (its response or a read-back), with all the person fields the
//   collection carries: it becomes the link's base, which is how our own
//   writes are recognised when they come back (echo suppression).
// - modified_ms is the product's modified time (ms since the epoch), the key
//   of the "newest wins" policy; created_ms orders within-product duplicates
//   (0 when unknown).
// - remove() of a record that no longer exists succeeds (deletes are idempotent).
// - find_by_email() returns the oldest record whose email has the same key
//   as the one asked for: common::normalize_email, the engine's index key
//   (case, surrounding blanks and trailing dots do not count).
// - A record the product refuses (bad data, too long, duplicate) is
//   ErrorClass::per_record; the engine quarantines that record and continues.

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/errors.hpp"

namespace zohosync::connectors {

// A record's person fields under the product's own names (same type as
// mapping::NativeFields).
using Fields = std::map<std::string, std::string, std::less<>>;

struct Record {
  std::string id;         // the product's key (for Contracts: the email)
  std::string parent_id;  // Inventory contact, Projects client, Contracts counterparty; or ""
  Fields fields;
  std::int64_t modified_ms = 0;
  std::int64_t created_ms = 0;
};

struct Listing {
  std::vector<Record> records;
  std::vector<std::string> deleted;  // ids the product reports deleted since the cursor
  // Parents (Record::parent_id) whose every record is in `records`: re-read
  // whole by an incremental listing. A linked record of such a parent that is
  // not in `records` was deleted (the engine infers it from its links, so a
  // new process needs no memory of earlier listings). A parent whose reading
  // stopped part-way is not named.
  std::vector<std::string> complete_parents;
  // Every parent that exists, when the listing read all of them (Inventory's
  // contact pages). A record linked under a parent not among them may have
  // gone with its parent: the engine asks confirm_gone_parents() and infers
  // the deletes of those confirmed. Absent: nothing is said about parents.
  std::optional<std::vector<std::string>> existing_parents;
  std::string cursor;    // pass to the next list() call
  bool complete = true;  // false: stopped early; nothing may be inferred
  bool full = false;     // true: `records` is every record (since was "")
};

// Where a listing over parents stands (Connector::listing_progress).
struct ListingProgress {
  std::size_t parents_read = 0;          // of the pass under way
  std::size_t parents_total = 0;         // 0: not known yet
  std::uint64_t passes_completed = 0;    // since the connector was made
  const char* parent_noun = "parent";    // "client"
  const char* parents_noun = "parents";  // "clients"
  // How often a whole pass is due: 0 for a listing whose every poll is a
  // slice of one (Projects, Contracts); Inventory's full scan interval for
  // its sweep, which only person edits that leave their contact alone wait for.
  std::int64_t pass_due_every_ms = 0;
};

class Connector {
 public:
  virtual ~Connector() = default;

  // The collection id, e.g. "crm.contacts".
  virtual std::string_view collection() const = 0;

  virtual boost::asio::awaitable<Listing> list(std::string since) = 0;
  // Creates a record under parent_id (ignored where the product has no parent).
  virtual boost::asio::awaitable<Record> create(std::string parent_id, Fields fields) = 0;
  // Changes only the given fields; returns the whole stored record, whose id
  // may differ from `id` where the email is the key (Contracts).
  virtual boost::asio::awaitable<Record> update(std::string id, std::string parent_id,
                                                Fields fields) = 0;
  virtual boost::asio::awaitable<void> remove(std::string id, std::string parent_id) = 0;
  virtual boost::asio::awaitable<std::optional<Record>> find_by_email(std::string email) = 0;

  // A read that proves the credentials, the scopes and the ids this
  // collection is configured with (organization, portal, counterparties)
  // work: `check-config --online`. Writes nothing; throws as list() does. By
  // default a lookup of an address no product holds (one request where the
  // product can filter by email); connectors whose lookup may read every
  // parent override it with a smaller read.
  virtual boost::asio::awaitable<void> probe() {
    // Named first: no temporary with a destructor inside the co_await.
    auto lookup = find_by_email(std::string("zohosync-online-check@example.invalid"));
    co_await std::move(lookup);
  }

  // Of `parents` (linked records' parents that a listing's existing_parents
  // did not hold), those that are gone for sure: each is then a parent read
  // whole with nothing in it. Only a connector that sets existing_parents is
  // asked; by default none is confirmed.
  virtual boost::asio::awaitable<std::vector<std::string>> confirm_gone_parents(
      std::vector<std::string> parents) {
    (void)parents;
    co_return std::vector<std::string>{};
  }

  // True when create() itself finds a record with the same email and updates
  // it instead of adding a second one (an upsert keyed by email): the engine
  // then skips its lookup before a create.
  virtual bool create_matches_email() const { return false; }
  // A listing that reads its parents one by one (Projects: each client's
  // contacts), whether in one go or spread over polls a slice at a time: how
  // far the pass under way has got. nullopt for other listings.
  virtual std::optional<ListingProgress> listing_progress() const { return std::nullopt; }
  // The requests one create costs: below 1 where creates are sent together
  // (a budget deciding how many writes it can pay for asks).
  virtual double requests_per_create() const { return 1.0; }
};

// The connector of `collection` among `connectors`, or nullptr.
inline Connector* find_connector(const std::vector<Connector*>& connectors,
                                 std::string_view collection) {
  for (Connector* c : connectors) {
    if (c->collection() == collection)
      return c;
  }
  return nullptr;
}

}  // namespace zohosync::connectors
