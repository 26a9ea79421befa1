#pragma once
// Keeps the CRM contact-role picklist (/Contacts/roles) in step with the
// designations people carry: roles missing from the picklist are created
// (appended after the existing ones, whose sequence numbers are left alone);
// roles nobody uses are deleted only when asked. Names compare
// case-insensitively after trimming. A role created meanwhile by someone else
// (DUPLICATE_DATA) counts as present.

#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <string>
#include <vector>

namespace zohosync::connectors {

class ApiClient;

struct RoleSyncReport {
  std::vector<std::string> created;   // names added to the picklist
  std::vector<std::string> present;   // in use and already in the picklist (incl. DUPLICATE_DATA)
  std::vector<std::string> unused;    // in the picklist, in use by nobody, kept
  std::vector<std::string> deleted;   // unused and deleted (delete_unused)
  std::vector<std::string> failures;  // "name: reason" for roles Zoho refused
  std::size_t api_calls = 0;
};

class ContactRoleSync {
 public:
  explicit ContactRoleSync(ApiClient& api) : api_(api) {}

  // Throws ConnectorError when the picklist cannot be read or a whole call is
  // refused; one refused role is reported in `failures`.
  boost::asio::awaitable<RoleSyncReport> sync(std::vector<std::string> designations_in_use,
                                              bool delete_unused);

 private:
  ApiClient& api_;
};

}  // namespace zohosync::connectors
