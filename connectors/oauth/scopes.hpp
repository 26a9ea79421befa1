#pragma once
// Zoho OAuth scope names and which granted scope covers which needed one.
// Scopes are "Service.family[.sub].OPERATION" with OPERATION one of READ,
// CREATE, UPDATE, DELETE, ALL; names compare without regard to case (Zoho's
// own pages mix "ALL" and "all").

#include <string>
#include <string_view>
#include <vector>

namespace zohosync::connectors::oauth {

// The scopes in a token answer's "scope": space- or comma-separated.
std::vector<std::string> split_scopes(std::string_view text);

// True when `granted` gives what `needed` asks:
//   the same scope;                         ZohoCRM.modules.contacts.READ
//   the family's ALL;                       ZohoCRM.modules.contacts.ALL
//   a wider ALL;                            ZohoCRM.modules.ALL
//   the service's fullaccess.all;           ZohoInventory.fullaccess.all
//   for a needed ALL, each of READ, CREATE, UPDATE and DELETE covered.
bool scopes_cover(const std::vector<std::string>& granted, std::string_view needed);

}  // namespace zohosync::connectors::oauth
