#pragma once

#include <spdlog/details/log_msg.h>
#include <spdlog/logger.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace zohosync::daemon::logging {

enum class Format {
  text,     // human-readable lines with a timestamp
  json,     // one JSON object per line
  journal,  // "<N>" syslog priority prefixes for journald, which adds its own timestamp
  // JSON asked for while stderr is the journal: each record goes to journald
  // itself (journal_fields), its JSON line as the message with its priority
  // and component as fields journalctl selects by. A record journald does not
  // take goes to stderr as in json.
  journal_json,
};

// Parses "trace", "debug", "info", "warn", "error"; nullopt for anything else.
std::optional<spdlog::level::level_enum> parse_level(std::string_view name);

// journald sets $JOURNAL_STREAM to "DEV:INODE" of the stream it connected to
// stderr; only when stderr still is that stream do we switch to priority
// prefixes (a redirected stderr of a child process must get plain text).
bool stderr_is_journal();

// When stderr is the journal, text becomes journal, and json journal_json if
// journald's socket is there to take the records (else json stays json).
Format effective_format(Format configured);

// One record as the json formats write it (without the newline):
// {"time":"<UTC ISO 8601, ms>","level":"...","component":"<logger>","message":"..."}.
std::string json_line(const spdlog::details::log_msg& msg);

// The journald fields ("NAME=value") journal_json sends one record with:
// MESSAGE (its JSON line), PRIORITY (syslog(3), as the "<N>" prefix would
// say) and ZOHOSYNC_COMPONENT (the logger), so `journalctl -p warning` and
// `journalctl ZOHOSYNC_COMPONENT=crm` select what they say. libsystemd adds
// SYSLOG_IDENTIFIER (the program name), as journald does for stderr lines.
std::vector<std::string> journal_fields(const spdlog::details::log_msg& msg);

// Installs the shared sink (stderr; journald in journal_json) and sets the
// default level. Safe to call again (SIGHUP reload): existing loggers pick up
// the new format and level.
void init(Format format, spdlog::level::level_enum level);

// One named logger per component ("cli", "crm", "engine", ...), sharing the sink.
std::shared_ptr<spdlog::logger> get(const std::string& name);

}  // namespace zohosync::daemon::logging
