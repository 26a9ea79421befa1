#include "connectors/projects/projects_json.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <cstdlib>
#include <optional>

namespace zohosync::connectors::projects_json {

namespace json = boost::json;

namespace {

json::value parse_body(std::string_view body, const char* what) {
  boost::system::error_code ec;
  json::value value = json::parse(body, ec);
  if (ec) {
    throw ConnectorError(ErrorClass::transient,
                         std::string("projects: ") + what + " is not JSON (" + ec.message() + ")");
  }
  return value;
}

// Zoho mixes numbers and strings for ids.
std::optional<std::string> id_of(const json::value* value) {
  if (value == nullptr)
    return std::nullopt;
  if (value->is_string() && !value->as_string().empty())
    return std::string(value->as_string());
  if (value->is_int64())
    return std::to_string(value->as_int64());
  if (value->is_uint64())
    return std::to_string(value->as_uint64());
  return std::nullopt;
}

// A person field: a string, "" for null or missing; anything else is unreadable.
std::optional<std::string> text_of(const json::object& row, const char* key) {
  const json::value* value = row.if_contains(key);
  if (value == nullptr || value->is_null())
    return std::string();
  if (value->is_string())
    return std::string(value->as_string());
  return std::nullopt;
}

// Milliseconds from a number or a numeric string; 0 when absent or unreadable.
std::int64_t millis_of(const json::object& row, const char* key) {
  const json::value* value = row.if_contains(key);
  if (value == nullptr)
    return 0;
  if (value->is_int64())
    return value->as_int64();
  if (value->is_uint64())
    return static_cast<std::int64_t>(value->as_uint64());
  if (value->is_string()) {
    const std::string text(value->as_string());
    char* end = nullptr;
    const long long parsed = std::strtoll(text.c_str(), &end, 10);
    if (!text.empty() && end != nullptr && *end == '\0')
      return parsed;
  }
  return 0;
}

Record contact_record(const json::value& value) {
  const json::object* row = value.if_object();
  if (row == nullptr)
    throw ConnectorError(ErrorClass::per_record, "projects: a contact row is not an object");
  Record record;
  auto id = id_of(row->if_contains("id"));
  if (!id)
    throw ConnectorError(ErrorClass::per_record, "projects: a contact row has no id");
  record.id = std::move(*id);
  record.parent_id = id_of(row->if_contains("clientId")).value_or("");
  for (const char* field : {"first_name", "last_name", "email"}) {
    if (!row->contains(field))
      continue;  // missing: unknown, the record leaves it out (null is blank)
    auto text = text_of(*row, field);
    if (!text) {
      throw ConnectorError(ErrorClass::per_record, "projects: contact " + record.id + " has a " +
                                                       field + " that is not a string");
    }
    record.fields.emplace(field, std::move(*text));
  }
  record.modified_ms = millis_of(*row, "last_modified_time_long");
  record.created_ms = millis_of(*row, "created_time_long");
  return record;
}

}  // namespace

ClientsPage parse_clients_page(std::string_view body) {
  const json::value value = parse_body(body, "the client list");
  const json::object* top = value.if_object();
  const json::value* clients = top ? top->if_contains("clients") : nullptr;
  if (clients == nullptr || !clients->is_array())
    throw ConnectorError(ErrorClass::transient, "projects: the client list has no clients array");
  ClientsPage page;
  for (const json::value& row : clients->as_array()) {
    ++page.rows;
    const json::object* client = row.if_object();
    auto id = client ? id_of(client->if_contains("id")) : std::nullopt;
    if (!id) {
      page.skipped.emplace_back(ErrorClass::per_record, "projects: a client row has no id");
      continue;
    }
    page.client_ids.push_back(std::move(*id));
  }
  if (const json::value* info = top->if_contains("page_info"); info && info->is_object()) {
    if (const json::value* more = info->as_object().if_contains("has_more_page"))
      page.has_more = more->is_bool() && more->as_bool();
  }
  return page;
}

ContactsPage parse_contacts_page(std::string_view body) {
  const json::value value = parse_body(body, "a contact page");
  // The documented answer is a bare array; an object wrapping "contacts" is read too.
  const json::array* rows = value.if_array();
  if (rows == nullptr && value.is_object()) {
    if (const json::value* contacts = value.as_object().if_contains("contacts"))
      rows = contacts->if_array();
  }
  if (rows == nullptr)
    throw ConnectorError(ErrorClass::transient, "projects: a contact page is not a JSON array");
  ContactsPage page;
  for (const json::value& row : *rows) {
    ++page.rows;
    try {
      page.records.push_back(contact_record(row));
    } catch (ConnectorError& error) {
      page.skipped.push_back(std::move(error));
    }
  }
  return page;
}

Record parse_contact(std::string_view body) {
  const json::value value = parse_body(body, "a contact");
  // Some v3 answers wrap the object: {"contacts":[{...}]}.
  if (const json::object* top = value.if_object()) {
    if (const json::value* contacts = top->if_contains("contacts");
        contacts && contacts->is_array() && !contacts->as_array().empty() && !top->contains("id")) {
      return contact_record(contacts->as_array().front());
    }
  }
  return contact_record(value);
}

CreateAnswer parse_create_answer(std::string_view body) {
  const json::value value = parse_body(body, "the create answer");
  const json::object* top = value.if_object();
  if (top == nullptr)
    throw ConnectorError(ErrorClass::transient, "projects: the create answer is not an object");
  CreateAnswer answer;
  if (const json::value* contacts = top->if_contains("contacts");
      contacts && contacts->is_array()) {
    for (const json::value& row : contacts->as_array())
      answer.created.push_back(contact_record(row));
  }
  answer.existing_emails = parse_error_values(body);
  return answer;
}

std::vector<std::string> parse_error_values(std::string_view body) {
  boost::system::error_code ec;
  const json::value value = json::parse(body, ec);
  std::vector<std::string> values;
  if (ec || !value.is_object())
    return values;
  const json::value* error = value.as_object().if_contains("error");
  if (error == nullptr || !error->is_object())
    return values;
  const json::value* details = error->as_object().if_contains("details");
  if (details == nullptr || !details->is_array())
    return values;
  for (const json::value& detail : details->as_array()) {
    if (const json::object* object = detail.if_object()) {
      if (const json::value* field_value = object->if_contains("field_value");
          field_value && field_value->is_string()) {
        values.emplace_back(field_value->as_string());
      }
    }
  }
  return values;
}

}  // namespace zohosync::connectors::projects_json
