// The configuration file (config/config.hpp load_string). Loading never
// throws for a user's mistake: every problem comes back as a diagnostic, so
// any exception escaping here, or any sanitizer report, is a bug. The input is
// the whole TOML text (there is one parser, so no selector byte).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "config/config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  zohosync::config::LoadOptions options;
  // A state dir override keeps a loaded config from pointing anywhere real;
  // secrets are only looked up, never required.
  options.state_dir = "/nonexistent/zohosync-fuzz";
  const auto result = zohosync::config::load_string(text, "fuzz.toml", options);
  for (const auto& diagnostic : result.diagnostics)
    (void)diagnostic.to_string();
  if (result.ok()) {
    // A config that loads must answer every question the daemon asks of it.
    const auto& config = *result.config;
    for (const auto& id : zohosync::config::collection_ids()) {
      (void)config.collection(id);
      for (const auto& field : zohosync::config::carried_fields(id))
        (void)config.blank_may_clear(id, field);
      (void)config.priority_rank(id);
    }
    (void)zohosync::config::non_reloadable_changes(config, config);
  }
  return 0;
}
