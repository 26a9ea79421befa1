#pragma once
// The answer to "is it healthy?": one JSON document per state dir, printed by
// `zohosync status --json`, served by the daemon as /status and rendered as
// its page (status_page.hpp); `status` prints the same as a table. Its keys
// are an interface (documented in zohosync(1)); "schema" versions them.

#include <boost/json/object.hpp>

#include <cstdint>
#include <string>

#include "config/config.hpp"
#include "state/status.hpp"

namespace zohosync::daemon {

inline constexpr int kStatusSchema = 1;

// `report` nullptr: the state dir has no store yet. `config` nullptr: none
// could be read (status on a bare state dir): then nothing is said about
// what is enabled, poll intervals or budgets. A collection is "stale" (not
// read within service.health_max_missed_polls poll intervals) only while
// `daemon_running`: one-shot runs come when their timer says.
boost::json::object status_document(const std::string& state_dir, const state::StatusReport* report,
                                    const config::Config* config, bool daemon_running,
                                    std::int64_t now_ms);

}  // namespace zohosync::daemon
