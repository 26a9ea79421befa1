#pragma once

// Exit codes follow sysexits(3) so that systemd, cron and shell scripts can
// tell "you called me wrong" from "your config is wrong" from "try later".
namespace zohosync::daemon::exit_code {

inline constexpr int kOk = 0;
inline constexpr int kFailures = 1;       // ran, but some records failed or were held
inline constexpr int kUsage = 64;         // EX_USAGE: bad command line
inline constexpr int kDataError = 65;     // EX_DATAERR: bad input data
inline constexpr int kNoInput = 66;       // EX_NOINPUT: a named file does not exist
inline constexpr int kUnavailable = 69;   // EX_UNAVAILABLE: service or feature unavailable
inline constexpr int kSoftware = 70;      // EX_SOFTWARE: internal error
inline constexpr int kOsError = 71;       // EX_OSERR
inline constexpr int kCantCreate = 73;    // EX_CANTCREAT: cannot create the state dir
inline constexpr int kIoError = 74;       // EX_IOERR: disk full, read-only file system
inline constexpr int kTempFail = 75;      // EX_TEMPFAIL: lock held, try again
inline constexpr int kNoPermission = 77;  // EX_NOPERM
inline constexpr int kConfig = 78;        // EX_CONFIG: the configuration is wrong

}  // namespace zohosync::daemon::exit_code
