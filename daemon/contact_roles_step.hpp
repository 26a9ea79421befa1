#pragma once
// The CRM contact-role picklist kept in step with the designations linked
// people carry (crm.contact_roles.sync): run after a one-shot cycle, and by
// the daemon whenever the set of designations in use has changed.

#include <boost/asio/awaitable.hpp>
#include <string>
#include <vector>

namespace zohosync::state {
class Store;
}
namespace zohosync::connectors {
class ContactRoleSync;
}

namespace zohosync::daemon {

// Distinct designations of linked people (first spelling seen, compared
// trimmed and case-insensitively), sorted by that comparison key.
std::vector<std::string> designations_in_use(state::Store& store);

// A stable key of such a list: unchanged designations need no CRM call.
std::string designations_key(const std::vector<std::string>& designations);

// The picklist kept in step, for `reconcile` and the daemon alike: one CRM
// call only when the designations in use changed since the last sync that
// succeeded.
class ContactRolesStep {
 public:
  ContactRolesStep(connectors::ContactRoleSync& roles, state::Store& store)
      : roles_(roles), store_(store) {}

  // "" when the picklist is in step (or a role was refused, which the sync
  // reports itself), else why it could not be updated; logged, never thrown.
  // In flight from this call on, until the sync ends.
  boost::asio::awaitable<std::string> sync(bool delete_unused) {
    in_flight_ = true;
    return run(delete_unused);
  }
  // A sync is under way: the daemon does not start another.
  bool in_flight() const { return in_flight_; }

 private:
  boost::asio::awaitable<std::string> run(bool delete_unused);

  connectors::ContactRoleSync& roles_;
  state::Store& store_;
  std::string synced_for_;  // designations_key of the last sync that succeeded
  bool in_flight_ = false;
};

}  // namespace zohosync::daemon
