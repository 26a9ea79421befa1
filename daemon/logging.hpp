#pragma once

#include <spdlog/logger.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace zohosync::daemon::logging {

enum class Format {
  text,     // human-readable lines with a timestamp
  json,     // one JSON object per line
  journal,  // "<N>" syslog priority prefixes for journald, which adds its own timestamp
};

// Parses "trace", "debug", "info", "warn", "error"; nullopt for anything else.
std::optional<spdlog::level::level_enum> parse_level(std::string_view name);

// journald sets $JOURNAL_STREAM to "DEV:INODE" of the stream it connected to
// stderr; only when stderr still is that stream do we switch to priority
// prefixes (a redirected stderr of a child process must get plain text).
bool stderr_is_journal();

// Text becomes journal format when stderr is the journal; json stays json.
Format effective_format(Format configured);

// Installs the shared stderr sink and sets the default level. Safe to call
// again (SIGHUP reload): existing loggers pick up the new format and level.
void init(Format format, spdlog::level::level_enum level);

// One named logger per component ("cli", "crm", "engine", ...), sharing the sink.
std::shared_ptr<spdlog::logger> get(const std::string& name);

}  // namespace zohosync::daemon::logging
