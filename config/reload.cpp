#include "config/config.hpp"
#include "config/options.hpp"

namespace zohosync::config {

std::vector<std::string> non_reloadable_changes(const Config& before, const Config& after) {
  std::vector<std::string> changed;
  for (const auto& spec : detail::option_specs()) {
    if (spec.info.reloadable)
      continue;
    if (spec.get(before) != spec.get(after))
      changed.push_back(spec.info.key_path);
  }
  return changed;
}

void keep_running_include_rules(const Config& running, Config& next) {
  for (auto& [id, collection] : next.collections)
    collection.include = running.collection(id).include;
}

}  // namespace zohosync::config
