#include "state/store.hpp"

#include "state/conflict_keys.hpp"
#include "state/email_keyed_links.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <system_error>
#include <vector>

namespace zohosync::state {
namespace {

std::string octal_mode(mode_t mode) {
  char buffer[8];
  std::snprintf(buffer, sizeof buffer, "%04o", static_cast<unsigned>(mode & 07777));
  return buffer;
}

// As ssh treats its keys: a state dir that belongs to another user is not
// used, root included. Files a root shell left there (lock.mdb, pages, the
// token cache) would be root's, and the service's user could no longer
// open its own state.
void refuse_other_owner(const std::string& dir, const struct stat& st) {
  const uid_t me = ::geteuid();
  if (st.st_uid == me)
    return;
  throw Error(ErrorKind::permission_denied,
              "state dir " + dir + " belongs to uid " + std::to_string(st.st_uid) +
                  ", not to the user running zohosync (uid " + std::to_string(me) +
                  "); zohosync uses only a state dir of its own user: run it as that user "
                  "(for the service: systemctl, or systemd-run with the unit's User=), or "
                  "chown -R the dir if it is meant to change hands");
}

// read_write: the state dir exists afterwards with no group/other access.
void prepare_dir(const std::string& dir) {
  struct stat st {};
  if (::stat(dir.c_str(), &st) == 0) {
    if (!S_ISDIR(st.st_mode))
      throw error_from_code(ENOTDIR, "open", dir);
    refuse_other_owner(dir, st);
    if ((st.st_mode & 077) != 0) {
      throw Error(
          ErrorKind::permission_denied,
          "state dir " + dir + " is accessible by group or others (mode " + octal_mode(st.st_mode) +
              "); it holds personal data, so zohosync refuses to use it: run chmod 700 " + dir);
    }
    return;
  }
  if (errno != ENOENT)
    throw error_from_code(errno, "open", dir);

  std::filesystem::path path(dir);
  if (path.has_parent_path()) {
    std::error_code ec;
    std::filesystem::create_directories(path.parent_path(), ec);
    if (ec)
      throw error_from_code(ec.value(), "create parent of state dir", dir);
  }
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    throw error_from_code(errno, "create state dir", dir);
  }
  // mkdir honours the umask, which may only remove bits; make sure of 0700.
  if (::chmod(dir.c_str(), 0700) != 0)
    throw error_from_code(errno, "chmod state dir", dir);
}

// Whether DIR/data.mdb exists; an error other than "no such file" (EIO,
// EACCES, ELOOP) is thrown, never taken for "absent".
bool data_file_exists(const std::string& dir) {
  struct stat st {};
  const std::string data = (std::filesystem::path(dir) / "data.mdb").string();
  if (::stat(data.c_str(), &st) == 0)
    return true;
  if (errno != ENOENT)
    throw error_from_code(errno, "open", dir);
  return false;
}

// Files that exist in a state dir only once a store has lived in it.
std::vector<std::string> signs_of_earlier_use(const std::string& dir) {
  std::vector<std::string> found;
  // Not request_budgets: any process that reads from Zoho makes it, a dry
  // run on an empty state dir included.
  for (const char* name : {"lock.mdb", "access_token.json"}) {
    std::error_code ec;
    if (std::filesystem::exists(std::filesystem::path(dir) / name, ec))
      found.emplace_back(name);
  }
  return found;
}

// data.mdb gone where a store was: links, journal and conflicts are lost,
// and starting afresh without a word would hide that.
void refuse_lost_state(const std::string& dir) {
  const std::vector<std::string> signs = signs_of_earlier_use(dir);
  if (signs.empty())
    return;
  std::string list;
  for (const std::string& name : signs)
    list += (list.empty() ? "" : ", ") + name;
  throw Error(ErrorKind::state_missing,
              "state dir " + dir + " has no data.mdb, but it was in use (" + list +
                  " are there): its links, journal and conflicts are gone; restore data.mdb "
                  "from a backup, or run with --reinitialize to start again from an empty state "
                  "(every record is re-linked by email)");
}

// The first data.mdb of a state dir, made aside and renamed into place once
// its first transaction is on disk: a full disk or a kill part way leaves no
// data.mdb at all (the next run simply starts again), never a half-made one.
// Two processes starting on a new state dir at once (the daemon and a
// reconcile) take turns here through an flock on the dir itself, and the
// second finds the first one's data.mdb; the rename never replaces one.
void create_data_file(const std::string& dir, std::size_t map_size) {
  const int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd < 0)
    throw error_from_code(errno, "create", dir);
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }  // also releases the flock
  } closer{dir_fd};
  while (::flock(dir_fd, LOCK_EX) != 0) {
    if (errno != EINTR)
      throw error_from_code(errno, "create", dir);
  }
  if (data_file_exists(dir))
    return;  // made by another process meanwhile
  const std::filesystem::path aside = std::filesystem::path(dir) / ".new-state";
  std::error_code ec;
  std::filesystem::remove_all(aside, ec);  // what an interrupted attempt left
  if (::mkdir(aside.c_str(), 0700) != 0)
    throw error_from_code(errno, "create", dir);
  try {
    {
      Env::Options env_options;
      env_options.flags = MDB_NOTLS;
      env_options.map_size = map_size;
      Env env = Env::open(aside.string(), env_options);
      auto txn = WriteTxn::begin(env);
      Dbi meta;
      for (std::string_view name : kDatabases) {
        Dbi dbi = txn.open_dbi(std::string(name), /*create=*/true);
        if (name == "meta")
          meta = dbi;
      }
      txn.put(meta, kMetaSchemaVersion, std::to_string(kSchemaVersion));
      std::move(txn).commit();  // synced to disk (no MDB_NOSYNC)
    }
    if (::renameat2(AT_FDCWD, (aside / "data.mdb").c_str(), dir_fd, "data.mdb", RENAME_NOREPLACE) !=
        0)
      throw error_from_code(errno, "create", dir);
    // The rename itself must reach the disk before anything is built on it.
    if (::fsync(dir_fd) != 0)
      throw error_from_code(errno, "create", dir);
  } catch (...) {
    std::filesystem::remove_all(aside, ec);
    throw;
  }
  std::filesystem::remove_all(aside, ec);
}

// read_only: the state dir and its data file must exist; nothing is created.
void require_existing(const std::string& dir) {
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) {
    if (errno == ENOENT) {
      throw Error(ErrorKind::not_found_dir,
                  "state dir " + dir + " does not exist (no cycle has run yet)", ENOENT);
    }
    throw error_from_code(errno, "open", dir);
  }
  if (!S_ISDIR(st.st_mode))
    throw error_from_code(ENOTDIR, "open", dir);
  refuse_other_owner(dir, st);
  std::string data = (std::filesystem::path(dir) / "data.mdb").string();
  if (::stat(data.c_str(), &st) != 0) {
    if (errno == ENOENT) {
      refuse_lost_state(dir);
      throw Error(ErrorKind::not_found_dir,
                  "state dir " + dir + " holds no state yet (no data.mdb; no cycle has run yet)",
                  ENOENT);
    }
    throw error_from_code(errno, "open", dir);
  }
}

void refuse_newer(const std::string& dir, std::uint32_t found) {
  if (found <= kSchemaVersion)
    return;
  throw Error(ErrorKind::schema_too_new,
              "state dir " + dir + " was written by a newer zohosync (schema version " +
                  std::to_string(found) + "; this build knows up to " +
                  std::to_string(kSchemaVersion) +
                  "); nothing was changed. Run the newer zohosync, or restore a state backup "
                  "made with this version");
}

}  // namespace

std::uint32_t read_schema_version(const Txn& txn, Dbi meta) {
  auto text = txn.get(meta, kMetaSchemaVersion);
  if (!text)
    return 0;
  std::uint32_t version = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), version);
  if (ec != std::errc() || end != text->data() + text->size() || version == 0) {
    throw Error(ErrorKind::corrupted, "state dir " + std::string(txn.dir()) +
                                          ": meta schema_version is not a version number; the "
                                          "state is damaged: restore a backup or move it aside");
  }
  return version;
}

Store Store::open(const std::string& dir, const OpenOptions& options) {
  Env::Options env_options;
  if (options.mode == OpenMode::read_only) {
    require_existing(dir);
    env_options.flags = MDB_NOTLS | MDB_RDONLY;
    env_options.map_size = 0;
  } else {
    prepare_dir(dir);
    if (!data_file_exists(dir)) {
      if (!options.reinitialize)
        refuse_lost_state(dir);
      create_data_file(dir, options.map_size);
    }
    env_options.flags = MDB_NOTLS;
    env_options.map_size = options.map_size;
  }
  Store store(Env::open(dir, env_options), options.mode);

  if (options.mode == OpenMode::read_only) {
    auto txn = ReadTxn::begin(store.env_);
    for (std::size_t i = 0; i < kDatabases.size(); ++i) {
      store.dbis_[i] = txn.open_dbi(std::string(kDatabases[i]), /*create=*/false);
    }
    store.schema_version_ = read_schema_version(txn, store.db("meta"));
    refuse_newer(dir, store.schema_version_);
    std::move(txn).commit();  // keeps the database handles
    return store;
  }

  // A crashed process may have left reader slots that pin old pages.
  store.env_.clear_stale_readers();
  auto txn = WriteTxn::begin(store.env_);
  // Check the version before creating anything: on refusal the transaction
  // is aborted and the file is left exactly as it was.
  std::uint32_t found = read_schema_version(txn, txn.open_dbi("meta", /*create=*/false));
  refuse_newer(dir, found);
  for (std::size_t i = 0; i < kDatabases.size(); ++i) {
    store.dbis_[i] = txn.open_dbi(std::string(kDatabases[i]), /*create=*/true);
  }
  // Migrations from older schema versions, each in this one transaction: a
  // failed open leaves the file as it was.
  if (found == 1) {
    mark_email_keyed_links(txn, store);
    rekey_conflicts(txn, store);
  }
  if (found < kSchemaVersion)
    txn.put(store.db("meta"), kMetaSchemaVersion, std::to_string(kSchemaVersion));
  std::move(txn).commit();
  store.schema_version_ = kSchemaVersion;
  store.presence_ = std::make_unique<ProcessPresence>(ProcessPresence::enter(dir));
  return store;
}

const std::string& Store::owner() const {
  static const std::string none;
  return presence_ ? presence_->token() : none;
}

bool Store::owner_present(std::string_view owner) const {
  const std::string_view process = owner.substr(0, owner.find('/'));
  if (presence_ && process == presence_->token())
    return true;
  return present(dir(), process);
}

Dbi Store::db(std::string_view name) const {
  for (std::size_t i = 0; i < kDatabases.size(); ++i) {
    if (kDatabases[i] == name)
      return dbis_[i];
  }
  throw Error(ErrorKind::other, "state store: no database named " + std::string(name));
}

}  // namespace zohosync::state
