#pragma once
// Translates the TOML configuration into the engine's plain settings: the one
// place where config's shapes (durations, field names, per-collection maps)
// become mapping's (milliseconds, Field-indexed arrays). The policies need no
// translation: both speak common's enums.

#include "config/config.hpp"
#include "mapping/settings.hpp"

namespace zohosync::daemon {

// Only active collections (enabled, and their product enabled) are included,
// in config::collection_ids() order.
mapping::SyncSettings to_sync_settings(const config::Config& config);

}  // namespace zohosync::daemon
