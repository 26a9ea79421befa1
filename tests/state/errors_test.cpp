// Every LMDB / errno code maps to the kind the CLI turns into an exit code.
#include <doctest/doctest.h>

#include <cerrno>
#include <string>

#include "state/store.hpp"

namespace zohosync::state {
namespace {

TEST_CASE("codes are classified in one place") {
  struct Case {
    int code;
    ErrorKind kind;
  };
  const Case cases[] = {
      {MDB_MAP_FULL, ErrorKind::map_full},
      // damaged files
      {MDB_CORRUPTED, ErrorKind::corrupted},
      {MDB_INVALID, ErrorKind::corrupted},
      {MDB_PAGE_NOTFOUND, ErrorKind::corrupted},
      {MDB_INCOMPATIBLE, ErrorKind::corrupted},
      {MDB_VERSION_MISMATCH, ErrorKind::version_mismatch},
      // the file system
      {ENOSPC, ErrorKind::disk_full},
      {EDQUOT, ErrorKind::disk_full},
      {EACCES, ErrorKind::permission_denied},
      {EPERM, ErrorKind::permission_denied},
      {EROFS, ErrorKind::read_only},
      {ENOENT, ErrorKind::not_found_dir},
      {EIO, ErrorKind::io},
      {MDB_PANIC, ErrorKind::io},
      // contention
      {MDB_READERS_FULL, ErrorKind::busy},
      {MDB_MAP_RESIZED, ErrorKind::busy},
      {EAGAIN, ErrorKind::busy},
      // bugs
      {MDB_KEYEXIST, ErrorKind::other},
      {MDB_BAD_TXN, ErrorKind::other},
      {EINVAL, ErrorKind::other},
  };
  for (const auto& c : cases) {
    CAPTURE(c.code);
    CHECK(classify(c.code) == c.kind);
    Error e = error_from_code(c.code, "open", "/var/lib/zohosync");
    CHECK(e.kind() == c.kind);
    CHECK(e.lmdb_code() == c.code);
    std::string message = e.what();
    CHECK(message.find("/var/lib/zohosync") != std::string::npos);
    CHECK(message.find(mdb_strerror(c.code)) != std::string::npos);
  }
}

TEST_CASE("messages say what to do") {
  CHECK(std::string(error_from_code(ENOSPC, "commit", "/s").what()).find("free space") !=
        std::string::npos);
  CHECK(std::string(error_from_code(EROFS, "open", "/s").what()).find("read-only") !=
        std::string::npos);
  CHECK(std::string(error_from_code(MDB_MAP_FULL, "write", "/s").what())
            .find("let older journal entries go") != std::string::npos);
  CHECK(to_string(ErrorKind::schema_too_new) == "schema_too_new");
}

}  // namespace
}  // namespace zohosync::state
