#include "state/lmdb.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <map>
#include <mutex>

namespace zohosync::state {
namespace {

MDB_val to_val(std::string_view bytes) {
  return MDB_val{bytes.size(), const_cast<char*>(bytes.data())};
}

std::string_view to_view(const MDB_val& val) {
  return std::string_view(static_cast<const char*>(val.mv_data), val.mv_size);
}

std::string_view env_dir(MDB_env* env) {
  const char* path = nullptr;
  if (env == nullptr || mdb_env_get_path(env, &path) != 0 || path == nullptr)
    return {};
  return path;
}

// Directories (device, inode) with an open Env, and the process that opened
// it: a child made by fork() inherits the table but not LMDB's locks, so it
// may open the environment itself.
std::mutex open_envs_mutex;
std::map<std::pair<unsigned long long, unsigned long long>, pid_t> open_envs;

void forget(unsigned long long device, unsigned long long inode) {
  std::lock_guard lock(open_envs_mutex);
  auto it = open_envs.find({device, inode});
  if (it != open_envs.end() && it->second == ::getpid())
    open_envs.erase(it);
}

// LMDB reads its meta pages with read(2) but every other page through the
// memory map: a data file shorter than the pages its meta says are in use
// (truncated by a full disk, a bad copy, a restore cut short) would kill
// the process with SIGBUS at the first read of a missing page. Checked
// against LMDB's own meta (last page in use, page size) before any page is
// touched, and refused as damage.
void refuse_short_file(MDB_env* env, const std::string& dir) {
  MDB_envinfo info{};
  MDB_stat stat{};
  check(mdb_env_info(env, &info), "open", dir);
  check(mdb_env_stat(env, &stat), "open", dir);
  const std::string data = dir + "/data.mdb";
  struct stat st {};
  if (::stat(data.c_str(), &st) != 0)
    throw error_from_code(errno, "open", dir);
  // Compared in pages: a damaged meta's page number cannot overflow a product.
  const auto pages_in_file = static_cast<unsigned long long>(st.st_size) / stat.ms_psize;
  if (static_cast<unsigned long long>(info.me_last_pgno) >= pages_in_file) {
    const auto needed = (static_cast<unsigned long long>(info.me_last_pgno) + 1) * stat.ms_psize;
    throw Error(ErrorKind::corrupted,
                "state dir " + dir + ": data.mdb is damaged: it holds " +
                    std::to_string(st.st_size) + " bytes but its pages in use need " +
                    std::to_string(needed) +
                    " (cut short); restore the state dir from a backup, or move the whole state "
                    "dir aside (or remove data.mdb and run with --reinitialize) so zohosync "
                    "starts from an empty state and re-links records by email",
                MDB_CORRUPTED);
  }
}

}  // namespace

// ---- Env

Env Env::open(const std::string& dir, const Options& options) {
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0)
    throw error_from_code(errno, "open", dir);
  FileId id{static_cast<unsigned long long>(st.st_dev), static_cast<unsigned long long>(st.st_ino)};
  {
    std::lock_guard lock(open_envs_mutex);
    auto [it, inserted] = open_envs.try_emplace({id.device, id.inode}, ::getpid());
    if (!inserted && it->second == ::getpid()) {
      throw Error(ErrorKind::other, "state store open (" + dir +
                                        ") refused: this process already has it open; LMDB "
                                        "allows one handle per process, so share that one");
    }
    it->second = ::getpid();
  }
  MDB_env* raw = nullptr;
  int rc = mdb_env_create(&raw);
  if (rc != 0) {
    forget(id.device, id.inode);
    throw error_from_code(rc, "open", dir);
  }
  // Owns raw and the registration from here on, so every failure below undoes both.
  Env env(raw, dir, id);
  check(mdb_env_set_maxdbs(raw, options.max_dbs), "open", dir);
  if (options.map_size != 0)
    check(mdb_env_set_mapsize(raw, options.map_size), "open", dir);
  check(mdb_env_open(raw, dir.c_str(), options.flags, static_cast<mdb_mode_t>(options.file_mode)),
        "open", dir);
  refuse_short_file(raw, dir);
  return env;
}

Env& Env::operator=(Env&& other) noexcept {
  if (this != &other) {
    close();
    env_ = std::exchange(other.env_, nullptr);
    dir_ = std::move(other.dir_);
    id_ = other.id_;
  }
  return *this;
}

Env::~Env() {
  close();
}

void Env::close() noexcept {
  if (env_ == nullptr) {
    return;
  }
  mdb_env_close(std::exchange(env_, nullptr));
  forget(id_.device, id_.inode);
}

bool Env::read_only() const {
  unsigned flags = 0;
  mdb_env_get_flags(env_, &flags);
  return (flags & MDB_RDONLY) != 0;
}

std::size_t Env::map_size() const {
  MDB_envinfo info{};
  check(mdb_env_info(env_, &info), "info", dir_);
  return info.me_mapsize;
}

int Env::clear_stale_readers() {
  int dead = 0;
  check(mdb_reader_check(env_, &dead), "reader check", dir_);
  return dead;
}

// ---- Cursor

Cursor::Cursor(Cursor&& other) noexcept
    : cursor_(std::exchange(other.cursor_, nullptr)),
      txn_alive_(std::move(other.txn_alive_)),
      in_write_txn_(other.in_write_txn_) {}

Cursor& Cursor::operator=(Cursor&& other) noexcept {
  if (this != &other) {
    close();
    cursor_ = std::exchange(other.cursor_, nullptr);
    txn_alive_ = std::move(other.txn_alive_);
    in_write_txn_ = other.in_write_txn_;
  }
  return *this;
}

Cursor::~Cursor() {
  close();
}

void Cursor::close() noexcept {
  if (cursor_ == nullptr)
    return;
  // LMDB frees the cursors of a write transaction when it ends; those of a
  // read transaction must always be closed by us.
  if (!in_write_txn_ || (txn_alive_ && *txn_alive_))
    mdb_cursor_close(cursor_);
  cursor_ = nullptr;
}

std::optional<Cursor::Entry> Cursor::move(MDB_cursor_op op, std::string_view key) {
  if (cursor_ == nullptr)
    return std::nullopt;  // absent database
  MDB_val k = to_val(key);
  MDB_val v{0, nullptr};
  int rc = mdb_cursor_get(cursor_, &k, &v, op);
  if (rc == MDB_NOTFOUND)
    return std::nullopt;
  // MDB_GET_CURRENT right after a delete of the last entry reports EINVAL.
  if (rc == EINVAL && op == MDB_GET_CURRENT)
    return std::nullopt;
  check(rc, "cursor read", env_dir(mdb_txn_env(mdb_cursor_txn(cursor_))));
  return Entry{to_view(k), to_view(v)};
}

void Cursor::del() {
  if (cursor_ == nullptr)
    throw Error(ErrorKind::other, "state store: delete through an empty cursor");
  check(mdb_cursor_del(cursor_, 0), "cursor delete", env_dir(mdb_txn_env(mdb_cursor_txn(cursor_))));
}

// ---- Txn

Txn::Txn(MDB_txn* txn, bool write)
    : txn_(txn), write_(write), alive_(std::make_shared<bool>(true)) {}

Txn::Txn(Txn&& other) noexcept
    : txn_(std::exchange(other.txn_, nullptr)),
      write_(other.write_),
      alive_(std::move(other.alive_)) {}

Txn& Txn::operator=(Txn&& other) noexcept {
  if (this != &other) {
    abort();
    txn_ = std::exchange(other.txn_, nullptr);
    write_ = other.write_;
    alive_ = std::move(other.alive_);
  }
  return *this;
}

Txn::~Txn() {
  abort();
}

void Txn::abort() noexcept {
  if (txn_ == nullptr)
    return;
  *alive_ = false;
  mdb_txn_abort(std::exchange(txn_, nullptr));
}

void Txn::commit_txn(std::string_view operation) {
  MDB_txn* txn = checked_handle();
  std::string dir(this->dir());
  // mdb_txn_commit frees the transaction whether it succeeds or not.
  txn_ = nullptr;
  *alive_ = false;
  check(mdb_txn_commit(txn), operation, dir);
}

MDB_txn* Txn::checked_handle() const {
  if (txn_ == nullptr) {
    throw Error(ErrorKind::other, "state store: transaction used after commit or abort");
  }
  return txn_;
}

std::string_view Txn::dir() const {
  return txn_ ? env_dir(mdb_txn_env(txn_)) : std::string_view();
}

std::optional<std::string_view> Txn::get(Dbi dbi, std::string_view key) const {
  MDB_txn* txn = checked_handle();
  if (!dbi.present())
    return std::nullopt;
  MDB_val k = to_val(key);
  MDB_val v{0, nullptr};
  int rc = mdb_get(txn, dbi.handle(), &k, &v);
  if (rc == MDB_NOTFOUND)
    return std::nullopt;
  check(rc, "read", dir());
  return to_view(v);
}

std::uint64_t Txn::count(Dbi dbi) const {
  MDB_txn* txn = checked_handle();
  if (!dbi.present())
    return 0;
  MDB_stat stat{};
  check(mdb_stat(txn, dbi.handle(), &stat), "stat", dir());
  return stat.ms_entries;
}

Cursor Txn::cursor(Dbi dbi) const {
  MDB_txn* txn = checked_handle();
  if (!dbi.present())
    return Cursor(nullptr, alive_, write_);
  MDB_cursor* cursor = nullptr;
  check(mdb_cursor_open(txn, dbi.handle(), &cursor), "cursor open", dir());
  return Cursor(cursor, alive_, write_);
}

Dbi Txn::open_dbi(const std::string& name, bool create) {
  MDB_txn* txn = checked_handle();
  if (create && !write_) {
    throw Error(ErrorKind::other,
                "state store: cannot create database " + name + " in a read transaction");
  }
  MDB_dbi handle = 0;
  int rc = mdb_dbi_open(txn, name.c_str(), create ? MDB_CREATE : 0u, &handle);
  if (rc == MDB_NOTFOUND && !create)
    return Dbi();
  check(rc, "open database " + name, dir());
  return Dbi(handle);
}

// ---- ReadTxn / WriteTxn

ReadTxn ReadTxn::begin(const Env& env) {
  MDB_txn* txn = nullptr;
  check(mdb_txn_begin(env.handle(), nullptr, MDB_RDONLY, &txn), "begin read", env.dir());
  return ReadTxn(txn);
}

void ReadTxn::commit() && {
  commit_txn("end read");
}

WriteTxn WriteTxn::begin(const Env& env) {
  if (env.read_only()) {
    throw Error(ErrorKind::read_only,
                "state store (" + env.dir() +
                    ") is open read-only; a write transaction needs a "
                    "read-write open",
                0);
  }
  MDB_txn* txn = nullptr;
  check(mdb_txn_begin(env.handle(), nullptr, 0, &txn), "begin write", env.dir());
  return WriteTxn(txn);
}

void WriteTxn::put(Dbi dbi, std::string_view key, std::string_view value, unsigned flags) {
  MDB_txn* txn = checked_handle();
  if (!dbi.present())
    throw Error(ErrorKind::other, "state store: write to an absent database");
  MDB_val k = to_val(key);
  MDB_val v = to_val(value);
  check(mdb_put(txn, dbi.handle(), &k, &v, flags), "write", dir());
}

bool WriteTxn::del(Dbi dbi, std::string_view key) {
  MDB_txn* txn = checked_handle();
  if (!dbi.present())
    return false;
  MDB_val k = to_val(key);
  int rc = mdb_del(txn, dbi.handle(), &k, nullptr);
  if (rc == MDB_NOTFOUND)
    return false;
  check(rc, "delete", dir());
  return true;
}

void WriteTxn::clear(Dbi dbi) {
  MDB_txn* txn = checked_handle();
  if (!dbi.present())
    return;
  check(mdb_drop(txn, dbi.handle(), 0), "clear", dir());
}

void WriteTxn::commit() && {
  commit_txn("commit");
}

}  // namespace zohosync::state
