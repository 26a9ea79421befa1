#pragma once
// The OAuth scopes the configured collections need: what `zohosync auth`
// tells the operator to grant, and what `check-config --online` compares with
// what was granted.

#include <string>
#include <vector>

#include "config/config.hpp"

namespace zohosync::daemon {

struct NeededScope {
  std::string scope;  // e.g. "ZohoCRM.modules.contacts.ALL"
  std::string why;    // the collections (or feature) that need it
};

// One entry per scope, in collection order; only active collections count.
std::vector<NeededScope> needed_scopes(const config::Config& config);

// The scopes joined with commas: what the Self Client's scope box takes.
std::string scope_list(const std::vector<NeededScope>& scopes);

}  // namespace zohosync::daemon
