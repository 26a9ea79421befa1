#pragma once
// The CRM contact-role picklist kept in step with the designations linked
// people carry (crm.contact_roles.sync): run after a one-shot cycle, and by
// the daemon whenever the set of designations in use has changed.

#include <string>
#include <vector>

namespace zohosync::state {
class Store;
}

namespace zohosync::daemon {

// Distinct designations of linked people (first spelling seen, compared
// trimmed and case-insensitively), sorted by that comparison key.
std::vector<std::string> designations_in_use(state::Store& store);

// A stable key of such a list: unchanged designations need no CRM call.
std::string designations_key(const std::vector<std::string>& designations);

}  // namespace zohosync::daemon
