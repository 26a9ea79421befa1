#include "state/errors.hpp"

#include <sys/statvfs.h>
#include <unistd.h>

#include <optional>

#include <lmdb.h>

#include <cerrno>
#include <string>

namespace zohosync::state {

std::string_view to_string(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::map_full:
      return "map_full";
    case ErrorKind::corrupted:
      return "corrupted";
    case ErrorKind::schema_too_new:
      return "schema_too_new";
    case ErrorKind::version_mismatch:
      return "version_mismatch";
    case ErrorKind::read_only:
      return "read_only";
    case ErrorKind::disk_full:
      return "disk_full";
    case ErrorKind::permission_denied:
      return "permission_denied";
    case ErrorKind::busy:
      return "busy";
    case ErrorKind::not_found_dir:
      return "not_found_dir";
    case ErrorKind::io:
      return "io";
    case ErrorKind::state_missing:
      return "state_missing";
    case ErrorKind::other:
      break;
  }
  return "other";
}

ErrorKind classify(int code) {
  switch (code) {
    case MDB_MAP_FULL:
      return ErrorKind::map_full;
    case MDB_CORRUPTED:
    case MDB_INVALID:
    case MDB_PAGE_NOTFOUND:
    // A named DB whose flags do not match, or a plain key where a DB is expected.
    case MDB_INCOMPATIBLE:
      return ErrorKind::corrupted;
    case MDB_VERSION_MISMATCH:
      return ErrorKind::version_mismatch;
    case MDB_READERS_FULL:
    // Another process grew the map past ours; a fresh open adopts the new size.
    case MDB_MAP_RESIZED:
    case EAGAIN:
    case EBUSY:
      return ErrorKind::busy;
    case MDB_PANIC:
    case EIO:
      return ErrorKind::io;
    case ENOSPC:
    case EDQUOT:
      return ErrorKind::disk_full;
    case EACCES:
    case EPERM:
      return ErrorKind::permission_denied;
    case EROFS:
      return ErrorKind::read_only;
    case ENOENT:
    case ENOTDIR:
      return ErrorKind::not_found_dir;
    default:
      return ErrorKind::other;
  }
}

namespace {

// What to do about it, one sentence per kind.
std::string_view advice(ErrorKind kind, int code) {
  switch (kind) {
    case ErrorKind::map_full:
      return "the state store reached its size limit (1 GiB) and the last write was rolled back; "
             "let older journal entries go (lower sync.journal_max_entries or "
             "sync.journal_max_age), or compact it while zohosync is stopped (mdb_copy -c DIR "
             "COPY, then move COPY/data.mdb in place)";
    case ErrorKind::corrupted:
      return "data.mdb is damaged or is not an LMDB file; restore the state dir from a backup, or "
             "move the whole state dir aside (or remove data.mdb and run with --reinitialize) so "
             "zohosync starts from an empty state and re-links records by email";
    case ErrorKind::version_mismatch:
      return "data.mdb was written by an incompatible LMDB version; use the zohosync build that "
             "wrote it, or export it with that build's mdb_dump and re-import with mdb_load";
    case ErrorKind::read_only:
      return "the file system is mounted read-only; remount it read-write or point --state-dir at "
             "a writable directory";
    case ErrorKind::disk_full:
      return "the disk (or quota) holding the state dir is full; nothing was lost (the last "
             "write was rolled back): free space on it and run again";
    case ErrorKind::permission_denied:
      return "run zohosync as the user that owns the state dir, or fix its ownership";
    case ErrorKind::busy:
      if (code == MDB_READERS_FULL) {
        return "too many concurrent readers; stop stale zohosync processes and run again";
      }
      if (code == MDB_MAP_RESIZED) {
        return "another process grew the state store while it was open; run again";
      }
      return "the state is locked by another process; wait for it to finish and run again";
    case ErrorKind::not_found_dir:
      return "the state dir does not exist (no cycle has run yet) or was removed";
    case ErrorKind::state_missing:
      return "restore data.mdb from a backup; or, to start again from an empty state (every "
             "record is re-linked by email, the journal and open conflicts are gone), run with "
             "--reinitialize";
    case ErrorKind::io:
      return "an I/O error occurred; check the disk (dmesg) before running again";
    case ErrorKind::schema_too_new:
    case ErrorKind::other:
      break;
  }
  return "this is unexpected; please report it with the message above";
}

// Free bytes for unprivileged writers on the file system holding `dir`, or
// nullopt when that cannot be told.
std::optional<unsigned long long> free_bytes(std::string_view dir) {
  struct statvfs fs {};
  if (dir.empty() || ::statvfs(std::string(dir).c_str(), &fs) != 0)
    return std::nullopt;
  // Root may also write into the blocks reserved for it.
  const auto blocks = ::geteuid() == 0 ? fs.f_bfree : fs.f_bavail;
  return static_cast<unsigned long long>(blocks) * fs.f_frsize;
}

}  // namespace

Error error_from_code(int code, std::string_view operation, std::string_view dir) {
  ErrorKind kind = classify(code);
  std::string message = "state store ";
  message += operation;
  if (!dir.empty()) {
    message += " (";
    message += dir;
    message += ")";
  }
  message += " failed: ";
  // LMDB reports a write the disk cut short as EIO, not ENOSPC: on a file
  // system with next to no room left, that is what it is.
  constexpr unsigned long long kNearlyFull = 16ull << 20;
  const bool writing = operation == "commit" || operation == "put" || operation == "create";
  const auto left =
      kind == ErrorKind::io && code == EIO && writing ? free_bytes(dir) : std::nullopt;
  if (left && *left < kNearlyFull) {
    kind = ErrorKind::disk_full;
    message += "no space left on device (a write was cut short; " + std::to_string(*left / 1024) +
               " KiB free)";
  } else {
    message += mdb_strerror(code);  // covers errno values too
  }
  message += "; ";
  message += advice(kind, code);
  return Error(kind, message, code);
}

}  // namespace zohosync::state
