#pragma once
// Reading Zoho Projects v3 answers: the client list, contact pages (a bare
// JSON array), one contact (PATCH answer), the create answer with its partial
// EXISTING_USER_OR_CONTACT error. Pure functions of the body text: a malformed
// page throws (transient: the next cycle may read it whole), one unreadable
// row is skipped and reported as a per-record error.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/connector.hpp"

namespace zohosync::connectors::projects_json {

struct ClientsPage {
  std::vector<std::string> client_ids;
  std::size_t rows = 0;  // rows the page held, unreadable ones included
  bool has_more = false;
  std::vector<ConnectorError> skipped;
};
ClientsPage parse_clients_page(std::string_view body);

struct ContactsPage {
  std::vector<Record> records;
  std::size_t rows = 0;  // the short-page test counts every row, unreadable ones included
  std::vector<ConnectorError> skipped;
};
ContactsPage parse_contacts_page(std::string_view body);

// One contact object (the PATCH answer); throws per_record/transient.
// Every contact becomes: id, parent_id = clientId, the person fields
// first_name, last_name, email ("" when null, left out when missing: unknown); modified_ms and
// created_ms from `last_modified_time_long` / `created_time_long` when a row
// carries them (the documented rows do not: then 0).
Record parse_contact(std::string_view body);

struct CreateAnswer {
  std::vector<Record> created;
  std::vector<std::string> existing_emails;  // refused as EXISTING_USER_OR_CONTACT
};
// The 201 answer of a create ({"contacts":[...], "error":{...}}).
CreateAnswer parse_create_answer(std::string_view body);

// The field values named by a v3 error envelope's details
// ({"error":{"title":..,"details":[{"field_value":..}]}}); empty when none.
std::vector<std::string> parse_error_values(std::string_view body);

}  // namespace zohosync::connectors::projects_json
