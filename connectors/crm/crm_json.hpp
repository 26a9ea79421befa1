#pragma once
// Zoho CRM v8 JSON, read and written without any I/O: record pages, deleted
// pages, per-item write results (207), contact roles, request bodies, and the
// time formats CRM speaks. Pure functions, so they can be fuzzed.
//
// A malformed page throws ConnectorError (transient: the answer was cut or
// garbled on the way, the next cycle asks again). One unusable row inside a
// page is skipped and reported as a per_record error next to the good rows.

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "connectors/connector.hpp"
#include "connectors/errors.hpp"

namespace zohosync::connectors::crm {

// The person fields of crm.contacts (DESIGN.md), in Zoho's API names: the only
// fields a Record carries.
inline constexpr std::array<std::string_view, 9> kPersonFields = {
    "First_Name", "Last_Name", "Email",      "Phone",   "Mobile",
    "Salutation", "Title",     "Department", "Skype_ID"};

// The `fields=` parameter: the person fields plus Modified_Time, Created_Time.
// `extra`: fields an include rule names, read besides the person fields.
std::string fields_param(std::span<const std::string> extra = {});

// ---- time ----
// ISO 8601 with offset ("2019-07-25T15:26:49+05:30", "...Z") -> ms since the
// epoch, as common::IsoReading::crm reads it; nullopt when unreadable.
std::optional<std::int64_t> parse_time_ms(std::string_view text);
// ms since the epoch -> "2019-07-25T09:56:49+00:00" (whole seconds, rounded down).
std::string format_time(std::int64_t ms);

// ---- reading ----
struct RecordPage {
  std::vector<Record> records;
  std::vector<ConnectorError> skipped;  // per_record: rows without a usable id
  bool more_records = false;
  std::string next_page_token;  // empty when none was given
};
// GET /Contacts, /Contacts/search, /Contacts?ids=: {"data":[...],"info":{...}}.
// `extra` fields are read too, flattened to text: a lookup ({"name", "id"})
// gives its name, a list (a multi-select picklist, Tag) its values one per
// line (common::kValueSeparator), null "".
RecordPage parse_record_page(std::string_view body, std::span<const std::string> extra = {});

// GET /settings/fields?module=Contacts: {"fields":[{"api_name":...},...]}:
// the API names of the module's fields.
std::vector<std::string> parse_field_names(std::string_view body);

struct DeletedPage {
  std::vector<std::string> ids;
  bool more_records = false;
};
// GET /Contacts/deleted: {"data":[{"id",..,"deleted_time"}],"info":{...}}.
DeletedPage parse_deleted_page(std::string_view body);

// One element of a write answer: {"code","status","message","details":{..}}.
struct ItemResult {
  bool ok = false;
  std::string code;     // "SUCCESS", "DUPLICATE_DATA", "INVALID_DATA", ...
  std::string message;  // Zoho's text, plus the field it names, if any
  std::string id;       // details.id (the record written, or the duplicate's owner)
  std::int64_t modified_ms = 0;
  std::string action;  // upsert: "insert" | "update"
};
// The per-item results under `key` ("data" for records, "contact_roles");
// nullopt when the body has no such array (a whole-request error).
std::optional<std::vector<ItemResult>> parse_item_results(std::string_view body,
                                                          std::string_view key);
// The ConnectorError for one refused item: per_record for data problems,
// configuration for permissions, transient for Zoho's internal errors.
ConnectorError item_error(const ItemResult& item);

struct ContactRole {
  std::string id;
  std::string name;
  std::int64_t sequence_number = 0;  // 0: unknown / let Zoho choose
};
// GET /Contacts/roles: {"contact_roles":[{"id","name","sequence_number"}]}.
std::vector<ContactRole> parse_roles(std::string_view body);

// ---- writing ----
// POST /Contacts/upsert keyed by Email, no workflows. "" is sent as null (clears).
std::string upsert_body(const std::vector<Fields>& records);
// PUT /Contacts: each element carries its id.
std::string update_body(const std::vector<std::pair<std::string, Fields>>& records);
// POST /Contacts/roles: names (and sequence numbers when > 0).
std::string roles_body(const std::vector<ContactRole>& roles);

}  // namespace zohosync::connectors::crm
