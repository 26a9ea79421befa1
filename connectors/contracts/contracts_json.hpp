#pragma once
// Reading Zoho Contracts v1 answers: the counterparty list, a counterparty's
// contacts, the create answer and the update/delete answer. Pure functions of
// the body text: a malformed page throws (transient), one unreadable row is
// skipped and reported as a per-record error.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/connector.hpp"

namespace zohosync::connectors::contracts_json {

struct Counterparties {
  std::vector<std::string> organizations;  // organizationApiName of each row
  std::vector<ConnectorError> skipped;
};
Counterparties parse_counterparties(std::string_view body);

// Every contact becomes: id = the row's id (string or number; a row without
// one is skipped: the email is only its URL key and moves when edited),
// parent_id = organizationApiName (the row's, else `organization`), the person fields
// displayName (else the list's "name"; left out when both are missing:
// unknown) and emailId; modified_ms / created_ms
// from modifiedTime / addedTime.
struct Contacts {
  std::vector<Record> records;
  std::vector<ConnectorError> skipped;
};
Contacts parse_contacts(std::string_view body, std::string_view organization);

// The create answer {"counterpartyusers":[{...}]}: the created contact. Its
// id is "" when the answer names none (the caller reads the contact back).
Record parse_created(std::string_view body, std::string_view organization);

// The update/delete answer {"Type":"success","emailId":..}: the email the
// contact now has ("" when the answer names none).
std::string parse_write_answer(std::string_view body);

// ISO 8601 with an offset ("2024-01-02T03:04:05+05:30", "...Z", "...+0530")
// as milliseconds since the epoch, as common::IsoReading::contracts reads it;
// nullopt when unreadable.
std::optional<std::int64_t> parse_time_ms(std::string_view text);

}  // namespace zohosync::connectors::contracts_json
