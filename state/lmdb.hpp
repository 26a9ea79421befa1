// A thin RAII layer over the LMDB C API (ideas from hoytech/lmdbxx).
//
// - Env, ReadTxn, WriteTxn and Cursor are move-only and release what they own
//   in the destructor: an unfinished transaction is aborted, so an exception
//   thrown inside a write transaction rolls everything back.
// - `std::move(txn).commit()` consumes the transaction; using it afterwards is
//   a bug (the moved-from object holds nothing).
// - "Not found" is a value: get() returns std::nullopt. Every other non-zero
//   LMDB code is turned into a typed state::Error by error_from_code().
// - Keys and values are std::string_view over bytes. A view returned by get()
//   or a cursor points into the memory map and stays valid only until the
//   transaction ends or (in a write transaction) the next write.
//
// Rules LMDB imposes, which this layer does not hide:
// - One write transaction at a time per environment (begin_write blocks while
//   another thread or process holds it — a second begin_write on the thread
//   that holds one deadlocks); commit or abort it on the thread that began it.
//   Never hold a transaction across a co_await.
// - Environments are opened with MDB_NOTLS, so read transactions are not tied
//   to a thread and may be handed to another one.
// - Objects must not outlive their parent: a Cursor its transaction, a
//   transaction its Env. A cursor of a write transaction is freed by LMDB when
//   the transaction ends; the Cursor object knows and will not free it twice.
// - LMDB forbids opening one environment twice in a process: its file locks
//   are per process, so closing the second handle silently drops the first
//   one's locks. Env::open enforces this (Error(other) naming the dir); open
//   it once and share it.
#pragma once

#include <lmdb.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "state/errors.hpp"

namespace zohosync::state {

class Txn;

// One LMDB environment (a directory holding data.mdb and lock.mdb).
class Env {
 public:
  struct Options {
    unsigned flags = MDB_NOTLS;  // MDB_RDONLY for read-only access
    std::size_t map_size = 0;    // 0: keep the size recorded in the file (or LMDB's default)
    unsigned max_dbs = 32;       // named databases this handle can open
    unsigned file_mode = 0600;   // for data.mdb / lock.mdb when they are created
  };

  // Opens (and for read-write, creates the files of) the environment in `dir`,
  // which must exist. Throws Error on failure; nothing is left open. An
  // environment this process already has open is refused.
  static Env open(const std::string& dir, const Options& options);

  Env(Env&& other) noexcept
      : env_(std::exchange(other.env_, nullptr)), dir_(std::move(other.dir_)), id_(other.id_) {}
  Env& operator=(Env&& other) noexcept;
  Env(const Env&) = delete;
  Env& operator=(const Env&) = delete;
  ~Env();

  MDB_env* handle() const { return env_; }
  const std::string& dir() const { return dir_; }
  bool read_only() const;
  // The map size in effect (bytes).
  std::size_t map_size() const;
  // Clears reader slots left by dead processes; returns how many were cleared.
  int clear_stale_readers();

 private:
  struct FileId {
    unsigned long long device = 0, inode = 0;
  };
  Env(MDB_env* env, std::string dir, FileId id) : env_(env), dir_(std::move(dir)), id_(id) {}
  void close() noexcept;

  MDB_env* env_ = nullptr;
  std::string dir_;
  FileId id_;  // of the directory, for the one-handle-per-process rule
};

// Handle of a named database. A database that does not exist in a read-only
// environment is "absent": it reads as empty and cannot be written.
class Dbi {
 public:
  Dbi() = default;
  explicit Dbi(MDB_dbi handle) : handle_(handle), present_(true) {}

  bool present() const { return present_; }
  MDB_dbi handle() const { return handle_; }

 private:
  MDB_dbi handle_ = 0;
  bool present_ = false;
};

// Iterates one database in key order (bytewise, so big-endian integer keys
// sort numerically). Every positioning call returns the entry it lands on, or
// std::nullopt when there is none. A cursor over an absent database is empty.
class Cursor {
 public:
  using Entry = std::pair<std::string_view, std::string_view>;

  Cursor(Cursor&& other) noexcept;
  Cursor& operator=(Cursor&& other) noexcept;
  Cursor(const Cursor&) = delete;
  Cursor& operator=(const Cursor&) = delete;
  ~Cursor();

  std::optional<Entry> first() { return move(MDB_FIRST); }
  std::optional<Entry> last() { return move(MDB_LAST); }
  std::optional<Entry> next() { return move(MDB_NEXT); }
  std::optional<Entry> prev() { return move(MDB_PREV); }
  std::optional<Entry> current() { return move(MDB_GET_CURRENT); }
  // First entry whose key is >= key.
  std::optional<Entry> seek(std::string_view key) { return move(MDB_SET_RANGE, key); }
  // The entry with exactly this key.
  std::optional<Entry> find(std::string_view key) { return move(MDB_SET_KEY, key); }
  // Deletes the entry under the cursor (write transactions only); the next
  // next() returns the entry that followed it.
  void del();

 private:
  friend class Txn;
  Cursor(MDB_cursor* cursor, std::shared_ptr<const bool> txn_alive, bool in_write_txn)
      : cursor_(cursor), txn_alive_(std::move(txn_alive)), in_write_txn_(in_write_txn) {}
  std::optional<Entry> move(MDB_cursor_op op, std::string_view key = {});
  void close() noexcept;

  MDB_cursor* cursor_ = nullptr;
  // Shared with the transaction; false once it has ended (see close()).
  std::shared_ptr<const bool> txn_alive_;
  bool in_write_txn_ = false;
};

// What read and write transactions have in common: reads.
class Txn {
 public:
  Txn(const Txn&) = delete;
  Txn& operator=(const Txn&) = delete;

  // The value stored under key, or std::nullopt.
  std::optional<std::string_view> get(Dbi dbi, std::string_view key) const;
  // Number of entries in the database (O(1)).
  std::uint64_t count(Dbi dbi) const;
  Cursor cursor(Dbi dbi) const;
  // Opens a named database inside this transaction. With create (write
  // transactions only) it is created if missing; without, a missing database
  // comes back absent. Handles opened in a transaction survive its commit
  // (not its abort) and stay valid until the Env closes.
  Dbi open_dbi(const std::string& name, bool create);

  bool active() const { return txn_ != nullptr; }
  MDB_txn* handle() const { return txn_; }
  // The state dir this transaction belongs to (for error messages).
  std::string_view dir() const;

 protected:
  Txn(MDB_txn* txn, bool write);
  Txn(Txn&& other) noexcept;
  Txn& operator=(Txn&& other) noexcept;
  ~Txn();

  void abort() noexcept;
  void commit_txn(std::string_view operation);
  MDB_txn* checked_handle() const;

  MDB_txn* txn_ = nullptr;
  bool write_ = false;
  std::shared_ptr<bool> alive_;
};

class ReadTxn : public Txn {
 public:
  static ReadTxn begin(const Env& env);
  ReadTxn(ReadTxn&&) noexcept = default;
  ReadTxn& operator=(ReadTxn&&) noexcept = default;
  ~ReadTxn() = default;

  // Ends the snapshot and keeps any database handles opened in it; otherwise
  // just let the destructor end it.
  void commit() &&;

 private:
  explicit ReadTxn(MDB_txn* txn) : Txn(txn, false) {}
};

class WriteTxn : public Txn {
 public:
  static WriteTxn begin(const Env& env);
  WriteTxn(WriteTxn&&) noexcept = default;
  WriteTxn& operator=(WriteTxn&&) noexcept = default;
  ~WriteTxn() = default;

  // flags: 0 to overwrite, MDB_NOOVERWRITE (throws on an existing key),
  // MDB_APPEND (key must sort after every existing key; cheaper).
  void put(Dbi dbi, std::string_view key, std::string_view value, unsigned flags = 0);
  // Returns false when the key was not there.
  bool del(Dbi dbi, std::string_view key);
  // Removes every entry, keeping the database.
  void clear(Dbi dbi);
  // Makes every change durable at once. On failure (map full, disk full...)
  // the transaction is rolled back and Error is thrown.
  void commit() &&;

 private:
  explicit WriteTxn(MDB_txn* txn) : Txn(txn, true) {}
};

}  // namespace zohosync::state
