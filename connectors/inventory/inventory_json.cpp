#include "connectors/inventory/inventory_json.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <charconv>

#include "common/wire_time.hpp"

namespace zohosync::connectors::inventory {

namespace json = boost::json;

namespace {

// An unreadable body may be a truncated answer: a retry of the cycle may cure it.
[[noreturn]] void malformed(std::string_view what) {
  throw ConnectorError(ErrorClass::transient,
                       "inventory: unreadable answer (" + std::string(what) + ")");
}

json::object parse_object(std::string_view body, std::string_view what) {
  boost::system::error_code ec;
  json::value value = json::parse(body, ec);
  if (ec || !value.is_object())
    malformed(what);
  return std::move(value.as_object());
}

// A well-formed answer whose code says it failed: nothing a retry changes.
void require_success(const json::object& object, std::string_view what) {
  const auto* code = object.if_contains("code");
  if (code == nullptr)
    return;  // some single-record answers carry no envelope
  long long value = 0;
  if (code->is_int64())
    value = code->as_int64();
  else if (code->is_uint64())
    value = static_cast<long long>(code->as_uint64());
  else if (code->is_string())
    std::from_chars(code->as_string().data(), code->as_string().data() + code->as_string().size(),
                    value);
  if (value != 0) {
    std::string message =
        "inventory: " + std::string(what) + " answered code " + std::to_string(value);
    if (const auto* text = object.if_contains("message"); text && text->is_string())
      message += " (" + std::string(text->as_string()) + ")";
    throw ConnectorError(ErrorClass::fatal, std::move(message), std::to_string(value));
  }
}

// Ids and other scalars as text: Zoho sends ids as numbers or strings.
std::optional<std::string> scalar_text(const json::value* value) {
  if (value == nullptr || value->is_null())
    return std::nullopt;
  if (value->is_string())
    return std::string(value->as_string());
  if (value->is_int64())
    return std::to_string(value->as_int64());
  if (value->is_uint64())
    return std::to_string(value->as_uint64());
  if (value->is_double() || value->is_bool())
    return json::serialize(*value);
  return std::nullopt;
}

// An id: a string or an integer (Inventory's 19-digit ids fit 64 bits and
// are read exactly). A number JSON could only hold as a double (a fraction, or
// beyond 64 bits) has lost digits: no id at all then.
std::optional<std::string> id_text(const json::value* value) {
  if (value != nullptr && (value->is_double() || value->is_bool()))
    return std::nullopt;
  return scalar_text(value);
}

std::string text_or_empty(const json::object& object, std::string_view key) {
  return scalar_text(object.if_contains(key)).value_or(std::string());
}

bool has_more_page(const json::object& object) {
  const auto* context = object.if_contains("page_context");
  if (context == nullptr || !context->is_object())
    return false;
  const auto* more = context->as_object().if_contains("has_more_page");
  return more != nullptr && more->is_bool() && more->as_bool();
}

const json::array& list_of(const json::object& object, std::string_view key,
                           std::string_view what) {
  const auto* list = object.if_contains(key);
  if (list == nullptr || !list->is_array()) {
    throw ConnectorError(ErrorClass::fatal,
                         "inventory: " + std::string(what) + " answer has no " + std::string(key));
  }
  return list->as_array();
}

std::optional<PersonRow> person_from(const json::value& value) {
  if (!value.is_object())
    return std::nullopt;
  const auto& object = value.as_object();
  auto id = id_text(object.if_contains("contact_person_id"));
  if (!id || id->empty())
    return std::nullopt;
  PersonRow row;
  row.person_id = std::move(*id);
  row.contact_id = id_text(object.if_contains("contact_id")).value_or(std::string());
  for (std::string_view field : kPersonFields) {
    // null is blank (""); a missing key is unknown and stays absent.
    const json::value* value = object.if_contains(field);
    if (value != nullptr && value->is_null())
      row.fields.emplace(std::string(field), std::string());
    else if (auto text = scalar_text(value))
      row.fields.emplace(std::string(field), std::move(*text));
  }
  return row;
}

std::optional<UserRow> user_from(const json::value& value) {
  if (!value.is_object())
    return std::nullopt;
  const auto& object = value.as_object();
  auto id = id_text(object.if_contains("user_id"));
  if (!id || id->empty())
    return std::nullopt;
  UserRow row;
  row.user_id = std::move(*id);
  row.name = text_or_empty(object, "name");
  row.email = text_or_empty(object, "email");
  if (row.email.empty()) {
    // The single-user answer lists addresses; the selected one is the user's.
    if (const auto* ids = object.if_contains("email_ids"); ids && ids->is_array()) {
      for (const auto& entry : ids->as_array()) {
        if (!entry.is_object())
          continue;
        const auto& e = entry.as_object();
        const auto* selected = e.if_contains("is_selected");
        const bool is_selected = selected && selected->is_bool() && selected->as_bool();
        if (row.email.empty() || is_selected)
          row.email = text_or_empty(e, "email");
        if (is_selected)
          break;
      }
    }
  }
  row.status = text_or_empty(object, "status");
  row.user_role = text_or_empty(object, "user_role");
  return row;
}

}  // namespace

std::optional<Envelope> parse_envelope(std::string_view body) {
  boost::system::error_code ec;
  json::value value = json::parse(body, ec);
  if (ec || !value.is_object())
    return std::nullopt;
  const auto& object = value.as_object();
  const auto* code = object.if_contains("code");
  if (code == nullptr)
    return std::nullopt;
  Envelope envelope;
  if (code->is_int64())
    envelope.code = code->as_int64();
  else if (code->is_uint64())
    envelope.code = static_cast<long long>(code->as_uint64());
  else if (code->is_string())
    std::from_chars(code->as_string().data(), code->as_string().data() + code->as_string().size(),
                    envelope.code);
  else
    return std::nullopt;
  envelope.message = text_or_empty(object, "message");
  return envelope;
}

std::optional<std::int64_t> parse_inventory_time(std::string_view text) {
  return common::parse_iso8601_ms(text, common::IsoReading::inventory);
}

ContactsPage parse_contacts_page(std::string_view body) {
  const auto object = parse_object(body, "contacts page");
  require_success(object, "contacts list");
  ContactsPage page;
  for (const auto& value : list_of(object, "contacts", "contacts list")) {
    std::optional<std::string> id;
    if (value.is_object())
      id = id_text(value.as_object().if_contains("contact_id"));
    if (!id || id->empty()) {
      page.skipped.push_back("contact row without contact_id");
      continue;
    }
    const auto& row = value.as_object();
    ContactRow contact;
    contact.contact_id = std::move(*id);
    const std::string time = text_or_empty(row, "last_modified_time");
    // A row without a readable time sorts as the oldest: full scans still read it.
    contact.modified_ms = parse_inventory_time(time).value_or(0);
    contact.email = text_or_empty(row, "email");
    contact.contact_type = text_or_empty(row, "contact_type");
    page.contacts.push_back(std::move(contact));
  }
  page.has_more_page = has_more_page(object);
  return page;
}

PersonsPage parse_persons_page(std::string_view body) {
  const auto object = parse_object(body, "contact persons page");
  require_success(object, "contact persons list");
  PersonsPage page;
  for (const auto& value : list_of(object, "contact_persons", "contact persons list")) {
    if (auto row = person_from(value))
      page.persons.push_back(std::move(*row));
    else
      page.skipped.push_back("contact person row without contact_person_id");
  }
  page.has_more_page = has_more_page(object);
  return page;
}

PersonRow parse_person(std::string_view body) {
  const auto object = parse_object(body, "contact person");
  require_success(object, "contact person");
  const auto* value = object.if_contains("contact_person");
  if (value == nullptr)
    throw ConnectorError(ErrorClass::fatal, "inventory: contact person answer without a person");
  auto row = person_from(*value);
  if (!row)
    throw ConnectorError(ErrorClass::fatal, "inventory: contact person answer without an id");
  return std::move(*row);
}

PersonRow parse_person_write(std::string_view body) {
  const auto object = parse_object(body, "contact person write");
  require_success(object, "contact person write");
  const auto* value = object.if_contains("contact_person");
  const json::value* first = value;
  if (value != nullptr && value->is_array())
    first = value->as_array().empty() ? nullptr : &value->as_array().front();
  std::optional<PersonRow> row;
  if (first != nullptr)
    row = person_from(*first);
  if (!row) {
    throw ConnectorError(ErrorClass::fatal,
                         "inventory: contact person write answered without the person");
  }
  return std::move(*row);
}

ContactRow parse_contact(std::string_view body) {
  const auto object = parse_object(body, "contact");
  require_success(object, "contact");
  const auto* value = object.if_contains("contact");
  std::optional<std::string> id;
  if (value != nullptr && value->is_object())
    id = id_text(value->as_object().if_contains("contact_id"));
  if (!id || id->empty())
    throw ConnectorError(ErrorClass::fatal, "inventory: contact answer without a contact");
  const auto& row = value->as_object();
  ContactRow contact;
  contact.contact_id = std::move(*id);
  // Read as the contacts list reads it, so that both give the same time.
  contact.modified_ms = parse_inventory_time(text_or_empty(row, "last_modified_time")).value_or(0);
  contact.email = text_or_empty(row, "email");
  return contact;
}

UsersPage parse_users_page(std::string_view body) {
  const auto object = parse_object(body, "users page");
  require_success(object, "users list");
  UsersPage page;
  for (const auto& value : list_of(object, "users", "users list")) {
    if (auto row = user_from(value))
      page.users.push_back(std::move(*row));
    else
      page.skipped.push_back("user row without user_id");
  }
  page.has_more_page = has_more_page(object);
  return page;
}

UserRow parse_user(std::string_view body) {
  const auto object = parse_object(body, "user");
  require_success(object, "user");
  const auto* value = object.if_contains("user");
  std::optional<UserRow> row;
  if (value != nullptr)
    row = user_from(*value);
  if (!row)
    throw ConnectorError(ErrorClass::fatal, "inventory: user answer without a user");
  return std::move(*row);
}

}  // namespace zohosync::connectors::inventory
