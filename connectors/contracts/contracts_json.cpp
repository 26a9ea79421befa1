#include "connectors/contracts/contracts_json.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include "common/wire_time.hpp"

namespace zohosync::connectors::contracts_json {

namespace json = boost::json;

namespace {

json::value parse_body(std::string_view body, const char* what) {
  boost::system::error_code ec;
  json::value value = json::parse(body, ec);
  if (ec) {
    throw ConnectorError(ErrorClass::transient,
                         std::string("contracts: ") + what + " is not JSON (" + ec.message() + ")");
  }
  return value;
}

const json::array& array_in(const json::value& value, const char* key, const char* what) {
  const json::object* top = value.if_object();
  const json::value* rows = top ? top->if_contains(key) : nullptr;
  if (rows == nullptr || !rows->is_array()) {
    throw ConnectorError(ErrorClass::transient,
                         std::string("contracts: ") + what + " has no " + key + " array");
  }
  return rows->as_array();
}

std::optional<std::string> string_of(const json::object& row, const char* key) {
  const json::value* value = row.if_contains(key);
  if (value == nullptr || value->is_null())
    return std::nullopt;
  if (value->is_string())
    return std::string(value->as_string());
  return std::nullopt;
}

// The id as a string or a number (Zoho ids are long integers, which some
// answers print as JSON numbers).
std::string id_of(const json::object& row) {
  const json::value* value = row.if_contains("id");
  if (value == nullptr)
    return {};
  if (value->is_string())
    return std::string(value->as_string());
  if (value->is_int64())
    return std::to_string(value->as_int64());
  if (value->is_uint64())
    return std::to_string(value->as_uint64());
  return {};
}

std::int64_t time_of(const json::object& row, const char* key) {
  if (auto text = string_of(row, key))
    return parse_time_ms(*text).value_or(0);
  if (const json::value* value = row.if_contains(key); value && value->is_int64())
    return value->as_int64();  // epoch milliseconds, should a row carry them
  return 0;
}

Record contact_record(const json::value& value, std::string_view organization,
                      bool id_required = true) {
  const json::object* row = value.if_object();
  if (row == nullptr)
    throw ConnectorError(ErrorClass::per_record, "contracts: a contact row is not an object");
  auto email = string_of(*row, "emailId");
  if (!email || email->empty())
    throw ConnectorError(ErrorClass::per_record, "contracts: a contact row has no emailId");
  Record record;
  // The row's id is its identity: the email (the URL key) changes when a user
  // edits it, the id does not. A row without one cannot be followed across
  // such an edit, so it is not synced rather than keyed by something that moves.
  record.id = id_of(*row);
  if (record.id.empty() && id_required)
    throw ConnectorError(ErrorClass::per_record, "contracts: a contact row has no id");
  record.parent_id = string_of(*row, "organizationApiName").value_or(std::string(organization));
  if (record.parent_id.empty()) {
    if (const json::value* cp = row->if_contains("counterParty"); cp && cp->is_object())
      record.parent_id = string_of(cp->as_object(), "organizationApiName").value_or("");
  }
  // displayName (else the list's "name"): null is blank; both keys missing is
  // unknown, and the record leaves displayName out.
  const char* name_key =
      row->contains("displayName") ? "displayName" : (row->contains("name") ? "name" : nullptr);
  if (name_key != nullptr)
    record.fields.emplace("displayName", string_of(*row, name_key).value_or(""));
  record.fields.emplace("emailId", std::move(*email));
  record.modified_ms = time_of(*row, "modifiedTime");
  record.created_ms = time_of(*row, "addedTime");
  return record;
}

}  // namespace

Counterparties parse_counterparties(std::string_view body) {
  const json::value value = parse_body(body, "the counterparty list");
  Counterparties out;
  for (const json::value& row : array_in(value, "counterparties", "the counterparty list")) {
    const json::object* object = row.if_object();
    auto api_name = object ? string_of(*object, "organizationApiName") : std::nullopt;
    if (!api_name || api_name->empty()) {
      out.skipped.emplace_back(ErrorClass::per_record,
                               "contracts: a counterparty row has no organizationApiName");
      continue;
    }
    out.organizations.push_back(std::move(*api_name));
  }
  return out;
}

Contacts parse_contacts(std::string_view body, std::string_view organization) {
  const json::value value = parse_body(body, "a contact list");
  Contacts out;
  for (const json::value& row : array_in(value, "counterpartyusers", "a contact list")) {
    try {
      out.records.push_back(contact_record(row, organization));
    } catch (ConnectorError& error) {
      out.skipped.push_back(std::move(error));
    }
  }
  return out;
}

Record parse_created(std::string_view body, std::string_view organization) {
  const json::value value = parse_body(body, "the create answer");
  const json::array& rows = array_in(value, "counterpartyusers", "the create answer");
  if (rows.empty())
    throw ConnectorError(ErrorClass::fatal, "contracts: the create answer holds no contact");
  return contact_record(rows.front(), organization, /*id_required=*/false);
}

std::string parse_write_answer(std::string_view body) {
  boost::system::error_code ec;
  const json::value value = json::parse(body, ec);
  if (ec || !value.is_object())
    return {};
  return string_of(value.as_object(), "emailId").value_or("");
}

std::optional<std::int64_t> parse_time_ms(std::string_view text) {
  return common::parse_iso8601_ms(text, common::IsoReading::contracts);
}

}  // namespace zohosync::connectors::contracts_json
