#pragma once

#include <string>
#include <vector>

namespace zohosync::config {

// One configuration option as documented to users. schema() lists every
// option the loader accepts; the loader rejects anything else, and a test
// checks that config/zohosync.example.toml holds exactly these keys.
struct OptionInfo {
  std::string key_path;       // e.g. "collections.crm.contacts.poll_interval"
  std::string type;           // "string", "boolean", "integer", "float", "duration", ...
  std::string default_value;  // as it would be written in TOML; "" when there is none
  std::string description;
  bool reloadable = false;  // SIGHUP applies it without a restart
};

const std::vector<OptionInfo>& schema();

}  // namespace zohosync::config
