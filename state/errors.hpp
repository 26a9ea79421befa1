// Typed errors of the state store. Every LMDB return code and errno that the
// store can see is classified in exactly one place (error_from_code), so
// callers switch on ErrorKind and never on raw codes, and every message names
// the state dir and says what the user can do about it.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace zohosync::state {

// Who has to act and how. "Not found" is never an error (get() returns an
// empty optional); a missing state dir is only an error for read-only opens.
enum class ErrorKind {
  map_full,           // the LMDB map (OpenOptions::map_size) is exhausted
  corrupted,          // data.mdb is damaged or not an LMDB file
  schema_too_new,     // written by a newer zohosync (meta schema_version)
  version_mismatch,   // written by an incompatible LMDB library version
  read_only,          // read-only file system, or a write on a read-only store
  disk_full,          // ENOSPC / EDQUOT
  permission_denied,  // EACCES / EPERM, or a state dir open to group/others
  busy,               // reader table full, lock held, EAGAIN
  not_found_dir,      // read-only open of a state dir that does not exist yet
  state_missing,      // data.mdb gone from a dir that was in use (not re-created silently)
  io,                 // EIO, LMDB panic
  other,              // anything else (a bug, an invalid argument, ...)
};

// Short stable name of a kind ("map_full", ...), for logs and tests.
std::string_view to_string(ErrorKind kind);

class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, const std::string& message, int lmdb_code = 0)
      : std::runtime_error(message), kind_(kind), lmdb_code_(lmdb_code) {}

  ErrorKind kind() const { return kind_; }
  // The LMDB or errno code behind the error; 0 when the store itself detected it.
  int lmdb_code() const { return lmdb_code_; }

 private:
  ErrorKind kind_;
  int lmdb_code_;
};

// Maps an LMDB return code or errno value to its kind.
ErrorKind classify(int code);

// The single mapping from a code to a user-facing error. `operation` says what
// was being done ("open", "put", "commit", ...); `dir` is the state dir (may
// be empty when unknown). The message says what happened, where, and what to do.
Error error_from_code(int code, std::string_view operation, std::string_view dir);

// Throws error_from_code(code, ...) unless code is 0 (MDB_SUCCESS).
inline void check(int code, std::string_view operation, std::string_view dir) {
  if (code != 0)
    throw error_from_code(code, operation, dir);
}

}  // namespace zohosync::state
