#include "daemon/sync_settings.hpp"

namespace zohosync::daemon {

mapping::SyncSettings to_sync_settings(const config::Config& config) {
  mapping::SyncSettings settings;
  const auto& sync = config.sync;
  settings.conflict_policy = sync.conflict_policy;
  settings.priority = sync.priority;
  settings.on_delete = sync.on_delete;
  settings.mass_delete_share = sync.mass_delete_share;
  settings.mass_delete_min = static_cast<std::size_t>(sync.mass_delete_min);
  settings.flip_limit = sync.flip_limit;
  settings.flip_window_ms = sync.flip_window.count();
  for (mapping::Field field : mapping::kAllFields) {
    settings.blank_overwrites[mapping::index_of(field)] = sync.blank_overwrites;
  }

  for (const std::string& id : config::collection_ids()) {
    const config::CollectionConfig& collection = config.collection(id);
    if (!collection.active)
      continue;
    mapping::CollectionSettings out;
    out.id = id;
    out.enabled = true;
    out.create_target = collection.create;
    out.default_parent_id = collection.default_parent;
    // Fields the collection does not carry stay `both`: the planner never
    // reads or writes them there anyway.
    for (const auto& [name, direction] : collection.fields) {
      if (auto field = mapping::field_from_name(name))
        out.directions[mapping::index_of(*field)] = direction;
    }
    if (collection.on_delete)
      out.on_delete = *collection.on_delete;
    for (const std::string& name : collection.blank_overwrite_fields) {
      if (auto field = mapping::field_from_name(name))
        out.blank_overwrites[mapping::index_of(*field)] = true;
    }
    // The config check parsed each rule already; one that does not parse
    // never reaches here.
    for (const std::string& text : collection.include) {
      if (auto parsed = common::parse_include_rule(text); parsed.rule)
        out.include.push_back(std::move(*parsed.rule));
    }
    settings.collections.push_back(std::move(out));
  }
  return settings;
}

}  // namespace zohosync::daemon
