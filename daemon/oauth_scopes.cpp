#include "daemon/oauth_scopes.hpp"

#include <algorithm>

namespace zohosync::daemon {
namespace {

// Every collection reads, creates, updates and deletes, so each family's ALL
// (zoho-api-notes §1.2; the endpoints each connector calls).
std::vector<std::string> scopes_of(const config::Config& config, const std::string& collection) {
  if (collection == "inventory.contact_persons")
    return {"ZohoInventory.contacts.ALL"};
  if (collection == "inventory.users")
    return {"ZohoInventory.settings.ALL"};  // /users sits under settings
  if (collection == "projects.contacts")
    return {"ZohoProjects.users.ALL", "ZohoProjects.clients.READ"};  // contacts, their clients
  if (collection == "crm.contacts") {
    // Contact roles (/Contacts/roles) are documented under ZohoCRM.modules.ALL
    // only; without role sync, the Contacts module's own scope is enough.
    if (config.crm.contact_roles.sync)
      return {"ZohoCRM.modules.ALL"};
    return {"ZohoCRM.modules.contacts.ALL"};
  }
  if (collection == "contracts.counterparty_contacts")
    return {"contracts.contracts.ALL"};
  return {};
}

}  // namespace

std::vector<NeededScope> needed_scopes(const config::Config& config) {
  std::vector<NeededScope> needed;
  for (const auto& id : config::collection_ids()) {
    const auto& collection = config.collection(id);
    if (!collection.active)
      continue;
    std::vector<std::string> scopes = scopes_of(config, id);
    // The fields CRM include rules name are checked against the module's
    // (check-config --online).
    if (id == "crm.contacts" && !collection.include.empty())
      scopes.push_back("ZohoCRM.settings.fields.READ");
    for (auto& scope : scopes) {
      auto known = std::find_if(needed.begin(), needed.end(),
                                [&](const NeededScope& n) { return n.scope == scope; });
      if (known != needed.end())
        known->why += ", " + id;
      else
        needed.push_back({std::move(scope), id});
    }
  }
  return needed;
}

std::string scope_list(const std::vector<NeededScope>& scopes) {
  std::string list;
  for (const auto& s : scopes)
    list += (list.empty() ? "" : ",") + s.scope;
  return list;
}

}  // namespace zohosync::daemon
