#pragma once
// Zoho CRM v8: what the runtime constructs. `crm.contacts` (module Contacts)
// behind the Connector interface, and the contact-role picklist kept in step
// with the designations in use (contact_role_sync.hpp). Plain options only:
// the config layer fills them in.

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "connectors/connector.hpp"

namespace zohosync::connectors {

class ApiClient;

struct CrmContactsOptions {
  // An incremental list asks for changes since (cursor - overlap): clock skew
  // between Zoho's servers and edits committed in the same second as the
  // previous listing are re-read instead of lost. Re-reads are harmless.
  std::chrono::seconds overlap{120};
  // Records per list page (Zoho's maximum is 200).
  std::size_t per_page = 200;
  // Incremental lists also read /Contacts/deleted (one call, 304 when none).
  // Off: deletes are only seen by a full listing.
  bool list_deleted = true;
  // Concurrent per-record writes issued in the same io_context turn are sent
  // as one call of up to `max_batch` records (Zoho's limit is 100).
  bool coalesce_writes = true;
  std::size_t max_batch = 100;
  // Fields read besides the person fields: those the collection's include
  // rules test (Contact_Type, Tag, a custom field), by API name.
  std::vector<std::string> extra_fields;
};

// `api` is the CRM ApiClient (base path /crm/v8); it must outlive the connector.
std::unique_ptr<Connector> make_crm_contacts_connector(ApiClient& api,
                                                       CrmContactsOptions options = {});

}  // namespace zohosync::connectors
