#include "connectors/crm/crm_json.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <cstdio>
#include <ctime>

#include "common/include_rule.hpp"
#include "common/wire_time.hpp"

namespace zohosync::connectors::crm {

namespace json = boost::json;

namespace {

ConnectorError malformed(std::string_view what) {
  return ConnectorError(ErrorClass::transient, "crm: malformed answer: " + std::string(what));
}

json::value parse_body(std::string_view body) {
  boost::system::error_code ec;
  json::value value = json::parse(body, ec);
  if (ec)
    throw malformed("not JSON");
  return value;
}

// Zoho mixes numbers and strings for ids and values.
std::optional<std::string> text_of(const json::value* value) {
  if (value == nullptr)
    return std::nullopt;
  if (value->is_string())
    return std::string(value->as_string());
  if (value->is_int64())
    return std::to_string(value->as_int64());
  if (value->is_uint64())
    return std::to_string(value->as_uint64());
  if (value->is_double()) {
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.15g", value->as_double());
    return std::string(buffer);
  }
  if (value->is_bool())
    return value->as_bool() ? "true" : "false";
  return std::nullopt;  // null, arrays, objects
}

// An id: a string or an integer. A number JSON could only hold as a double
// (a fraction, or beyond 64 bits) has lost digits: no id at all then.
std::optional<std::string> id_of(const json::value* value) {
  if (value != nullptr && value->is_double())
    return std::nullopt;
  if (value != nullptr && value->is_bool())
    return std::nullopt;
  return text_of(value);
}

// A person field: null and "" are blank (""), a missing key is unknown
// (nullopt, the record leaves the field out); arrays and objects are unknown.
std::optional<std::string> field_of(const json::value* value) {
  if (value != nullptr && value->is_null())
    return std::string();
  return text_of(value);
}

// Any field value as text for an include rule (crm_json.hpp, parse_record_page).
std::string flattened(const json::value& value) {
  if (value.is_object()) {
    const auto* name = value.as_object().if_contains("name");
    return name != nullptr ? text_of(name).value_or("") : std::string();
  }
  if (value.is_array()) {
    std::string out;
    for (const auto& item : value.as_array()) {
      std::string one = flattened(item);
      if (one.empty())
        continue;
      if (!out.empty())
        out += common::kValueSeparator;
      out += one;
    }
    return out;
  }
  return text_of(&value).value_or("");
}

bool bool_of(const json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  return value && value->is_bool() && value->as_bool();
}

// The object at `key` (or nullptr); `info` and `details` are optional.
const json::object* object_at(const json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  return value && value->is_object() ? &value->as_object() : nullptr;
}

const json::object& top_object(const json::value& value) {
  if (!value.is_object())
    throw malformed("not an object");
  return value.as_object();
}

const json::array& array_at(const json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  if (value == nullptr || !value->is_array())
    throw malformed("no \"" + std::string(key) + "\" array");
  return value->as_array();
}

}  // namespace

std::string fields_param(std::span<const std::string> extra) {
  std::string out;
  for (const auto field : kPersonFields) {
    out += field;
    out += ',';
  }
  for (const auto& field : extra) {
    if (std::find(kPersonFields.begin(), kPersonFields.end(), field) != kPersonFields.end() ||
        field == "Modified_Time" || field == "Created_Time" ||
        out.find("," + field + ",") != std::string::npos)
      continue;
    out += field;
    out += ',';
  }
  out += "Modified_Time,Created_Time";
  return out;
}

std::optional<std::int64_t> parse_time_ms(std::string_view text) {
  return common::parse_iso8601_ms(text, common::IsoReading::crm);
}

std::string format_time(std::int64_t ms) {
  std::int64_t seconds = ms / 1000;
  if (ms < 0 && ms % 1000 != 0)
    --seconds;
  const std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[40];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%S+00:00", &tm);
  return buffer;
}

RecordPage parse_record_page(std::string_view body, std::span<const std::string> extra) {
  const json::value root = parse_body(body);
  const json::object& top = top_object(root);
  RecordPage page;
  const json::array& rows = array_at(top, "data");
  std::size_t index = 0;
  for (const auto& row : rows) {
    const std::size_t at = index++;
    const auto id = row.is_object() ? id_of(row.as_object().if_contains("id")) : std::nullopt;
    if (!id || id->empty()) {
      page.skipped.emplace_back(ErrorClass::per_record,
                                "crm: record " + std::to_string(at) + " of a page has no id");
      continue;
    }
    const json::object& object = row.as_object();
    Record record;
    record.id = *id;
    for (const auto field : kPersonFields) {
      if (auto value = field_of(object.if_contains(field)))
        record.fields.emplace(std::string(field), std::move(*value));
    }
    for (const auto& field : extra) {
      if (const auto* value = object.if_contains(field))
        record.fields.emplace(field, flattened(*value));
    }
    if (auto modified = text_of(object.if_contains("Modified_Time")))
      record.modified_ms = parse_time_ms(*modified).value_or(0);
    if (auto created = text_of(object.if_contains("Created_Time")))
      record.created_ms = parse_time_ms(*created).value_or(0);
    page.records.push_back(std::move(record));
  }
  if (const auto* info = object_at(top, "info")) {
    page.more_records = bool_of(*info, "more_records");
    page.next_page_token = text_of(info->if_contains("next_page_token")).value_or("");
  }
  return page;
}

std::vector<std::string> parse_field_names(std::string_view body) {
  const json::value root = parse_body(body);
  std::vector<std::string> names;
  for (const auto& field : array_at(top_object(root), "fields")) {
    if (!field.is_object())
      continue;
    if (auto name = text_of(field.as_object().if_contains("api_name")); name && !name->empty())
      names.push_back(std::move(*name));
  }
  return names;
}

DeletedPage parse_deleted_page(std::string_view body) {
  const json::value root = parse_body(body);
  const json::object& top = top_object(root);
  DeletedPage page;
  for (const auto& row : array_at(top, "data")) {
    if (!row.is_object())
      continue;
    auto id = id_of(row.as_object().if_contains("id"));
    if (id && !id->empty())
      page.ids.push_back(std::move(*id));
  }
  if (const auto* info = object_at(top, "info"))
    page.more_records = bool_of(*info, "more_records");
  return page;
}

std::optional<std::vector<ItemResult>> parse_item_results(std::string_view body,
                                                          std::string_view key) {
  boost::system::error_code ec;
  const json::value root = json::parse(body, ec);
  if (ec || !root.is_object())
    return std::nullopt;
  const auto* items = root.as_object().if_contains(key);
  if (items == nullptr || !items->is_array())
    return std::nullopt;
  std::vector<ItemResult> out;
  for (const auto& element : items->as_array()) {
    ItemResult item;
    if (!element.is_object()) {
      item.code = "INVALID_RESPONSE";
      item.message = "an answer element that is not an object";
      out.push_back(std::move(item));
      continue;
    }
    const json::object& object = element.as_object();
    item.code = text_of(object.if_contains("code")).value_or("");
    const std::string status = text_of(object.if_contains("status")).value_or("");
    item.ok = item.code == "SUCCESS" || status == "success";
    item.message = text_of(object.if_contains("message")).value_or("");
    item.action = text_of(object.if_contains("action")).value_or("");
    if (const auto* details = object_at(object, "details")) {
      item.id = id_of(details->if_contains("id")).value_or("");
      if (auto modified = text_of(details->if_contains("Modified_Time")))
        item.modified_ms = parse_time_ms(*modified).value_or(0);
      if (auto field = text_of(details->if_contains("api_name")))
        item.message += " (" + *field + ")";
      if (const auto* duplicate = object_at(*details, "duplicate_record"))
        item.id = id_of(duplicate->if_contains("id")).value_or(item.id);
    }
    out.push_back(std::move(item));
  }
  return out;
}

ConnectorError item_error(const ItemResult& item) {
  ErrorClass error_class = ErrorClass::per_record;
  if (item.code == "NO_PERMISSION" || item.code == "OAUTH_SCOPE_MISMATCH" ||
      item.code == "AUTHORIZATION_FAILED")
    error_class = ErrorClass::configuration;
  else if (item.code == "INTERNAL_ERROR" || item.code == "TOO_MANY_REQUESTS")
    error_class = ErrorClass::transient;
  std::string message = "crm: " + (item.code.empty() ? std::string("refused") : item.code);
  if (!item.message.empty())
    message += ": " + item.message;
  return ConnectorError(error_class, std::move(message), item.code);
}

std::vector<ContactRole> parse_roles(std::string_view body) {
  const json::value root = parse_body(body);
  std::vector<ContactRole> out;
  for (const auto& row : array_at(top_object(root), "contact_roles")) {
    if (!row.is_object())
      continue;
    const json::object& object = row.as_object();
    ContactRole role;
    role.id = id_of(object.if_contains("id")).value_or("");
    role.name = text_of(object.if_contains("name")).value_or("");
    if (const auto* sequence = object.if_contains("sequence_number"); sequence) {
      if (sequence->is_int64())
        role.sequence_number = sequence->as_int64();
      else if (sequence->is_uint64())
        role.sequence_number = static_cast<std::int64_t>(sequence->as_uint64());
    }
    if (!role.id.empty())
      out.push_back(std::move(role));
  }
  return out;
}

namespace {

json::object record_object(const Fields& fields) {
  json::object object;
  for (const auto& [name, value] : fields) {
    if (value.empty())
      object[name] = nullptr;
    else
      object[name] = value;
  }
  return object;
}

json::object write_envelope(json::array data) {
  json::object body;
  body["data"] = std::move(data);
  body["trigger"] = json::array();  // no workflows, approvals or blueprints fire
  return body;
}

}  // namespace

std::string upsert_body(const std::vector<Fields>& records) {
  json::array data;
  for (const auto& fields : records)
    data.push_back(record_object(fields));
  json::object body = write_envelope(std::move(data));
  json::array duplicate_check;
  duplicate_check.push_back("Email");
  body["duplicate_check_fields"] = std::move(duplicate_check);
  return json::serialize(body);
}

std::string update_body(const std::vector<std::pair<std::string, Fields>>& records) {
  json::array data;
  for (const auto& [id, fields] : records) {
    json::object object = record_object(fields);
    object["id"] = id;
    data.push_back(std::move(object));
  }
  return json::serialize(write_envelope(std::move(data)));
}

std::string roles_body(const std::vector<ContactRole>& roles) {
  json::array items;
  for (const auto& role : roles) {
    json::object object;
    if (!role.id.empty())
      object["id"] = role.id;
    object["name"] = role.name;
    if (role.sequence_number > 0)
      object["sequence_number"] = role.sequence_number;
    items.push_back(std::move(object));
  }
  json::object body;
  body["contact_roles"] = std::move(items);
  return json::serialize(body);
}

}  // namespace zohosync::connectors::crm
