// The state store: one LMDB environment in the state dir with one named
// database per job (DESIGN.md "State (LMDB)"). Including this header gives the
// whole state API: errors, the RAII layer, the journal and read_status.
//
// On-disk layout (stored on disk, never rename a database or a meta key):
//   people, emails, links, person_links, cursors, outbox, journal, tombstones,
//   conflicts  - owned by the typed tables built on this layer (journal:
//                journal.hpp)
//   claims     - outbox entries a process is sending (outbox_claims.hpp)
//   listings, touched - listings in flight and the records changed meanwhile
//                (listing_window.hpp)
//   meta       - "schema_version": decimal ASCII (kSchemaVersion)
//                "journal_next_seq": decimal ASCII, next journal seq to assign
//                "email_keyed_links": present while links keyed by email remain
//                (a schema 1 store; email_keyed_links.hpp)
//                "commit_seq": decimal ASCII (listing_window.hpp)
//
// Opening (Store::open):
// - read_write creates the state dir with mode 0700 (parents as needed) and
//   refuses an existing dir that group or others can access (it holds
//   personal data): Error(permission_denied), fix with chmod 700. It creates
//   missing databases and writes schema_version only after checking that the
//   file is not from a newer schema, so a failed open writes nothing.
// - read_only never creates anything: a missing dir or a dir without data.mdb
//   is Error(not_found_dir); missing databases read as empty. It uses
//   MDB_RDONLY and works while the daemon has the store open read-write — in
//   another process. One process opens a state dir once (LMDB's rule, which
//   Env::open enforces): code in the daemon shares its read_write Store.
// - A schema_version newer than kSchemaVersion is Error(schema_too_new).
// - The state dir must belong to the effective user (as ssh asks of its
//   keys): a root shell would otherwise leave root-owned files the service's
//   user cannot open. Error(permission_denied) otherwise.
// - data.mdb is created aside (in DIR/.new-state) and renamed into place once
//   its first transaction is committed, so a first run stopped by a full disk
//   or a kill leaves no half-made file that every later run calls damaged.
// - A dir that shows earlier use (lock.mdb, the token cache, the request
//   budgets) but has no data.mdb has lost its state (links, journal,
//   conflicts): Error(state_missing), unless OpenOptions::reinitialize.
//
// Adding a typed table (links, people, outbox, ...): a new file in state/
// with free functions taking (const Txn& or WriteTxn&, const Store&) that use
// store.db("<name>") and encode values with codec.hpp, starting with a format
// version byte (journal.hpp is the example). Keep one table per file; callers
// group several tables' writes into one WriteTxn (one per cycle).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "state/codec.hpp"
#include "state/errors.hpp"
#include "state/journal.hpp"
#include "state/lmdb.hpp"
#include "state/process_presence.hpp"
#include "state/status.hpp"

namespace zohosync::state {

// 2: Contracts counterparty contacts are keyed by their id, not their email
//    (email_keyed_links.hpp migrates schema 1 stores); open conflicts are
//    keyed by (person, field, collection), not (person, field)
//    (conflict_keys.hpp re-keys them).
inline constexpr std::uint32_t kSchemaVersion = 2;

// Every named database, in a fixed order (stored on disk, never rename).
inline constexpr std::array<std::string_view, 13> kDatabases = {
    "people",     "emails",    "links", "person_links", "cursors",  "outbox", "journal",
    "tombstones", "conflicts", "meta",  "claims",       "listings", "touched"};

inline constexpr std::string_view kMetaSchemaVersion = "schema_version";
inline constexpr std::string_view kMetaJournalNextSeq = "journal_next_seq";

enum class OpenMode { read_write, read_only };

struct OpenOptions {
  OpenMode mode = OpenMode::read_write;
  // Upper bound of the memory map and so of the data file; not preallocated.
  // Ignored by read_only opens, which use the size the writer recorded.
  std::size_t map_size = 1ull << 30;
  // read_write: start from an empty state even where the dir shows that a
  // state was there (`--reinitialize`).
  bool reinitialize = false;
};

class Store {
 public:
  static Store open(const std::string& dir, const OpenOptions& options = {});

  Store(Store&&) noexcept = default;
  Store& operator=(Store&&) noexcept = default;

  ReadTxn begin_read() const { return ReadTxn::begin(env_); }
  // Throws Error(read_only) on a read-only store.
  WriteTxn begin_write() { return WriteTxn::begin(env_); }

  // Handle of one of kDatabases; Error(other) for any other name.
  Dbi db(std::string_view name) const;

  const std::string& dir() const { return env_.dir(); }
  OpenMode mode() const { return mode_; }
  // The schema version found (read_only; 0 when the file has none yet) or
  // written (read_write) at open.
  std::uint32_t schema_version() const { return schema_version_; }
  const Env& env() const { return env_; }

  // Who this process is to another zohosync process on the same state dir
  // (its claims on outbox entries, its listings): its presence token
  // (process_presence.hpp); "" on a read-only store.
  const std::string& owner() const;
  // Whether the process an owner names (a token, maybe with a "/suffix" that
  // tells engines of one process apart) still has the state dir open.
  bool owner_present(std::string_view owner) const;

 private:
  Store(Env env, OpenMode mode) : env_(std::move(env)), mode_(mode) {}

  std::unique_ptr<ProcessPresence> presence_;  // read_write only
  Env env_;
  OpenMode mode_;
  std::uint32_t schema_version_ = 0;
  std::array<Dbi, kDatabases.size()> dbis_{};
};

// The schema version stored in `meta`, 0 when absent. Error(corrupted) when
// it is not a decimal number.
std::uint32_t read_schema_version(const Txn& txn, Dbi meta);

}  // namespace zohosync::state
