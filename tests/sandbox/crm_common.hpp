// Pieces shared by the CRM handler files (records, writes, contact roles).
#pragma once

#include "tests/sandbox/errors.hpp"
#include "tests/sandbox/sandbox.hpp"

#include <boost/json/array.hpp>

#include <cstddef>
#include <string>

namespace zohosync::sandbox::crm {

// Contacts fields the sandbox stores, with their maximum lengths (Zoho's
// standard-field table; Department's length is UNCONFIRMED, 100 chosen).
// Lead_Source is a standard picklist; Contact_Type stands for the custom
// picklist a shop adds to tell customers from vendors (what an include rule
// selects on); picklist values are up to 120 characters.
struct field_spec {
  const char* name;
  std::size_t max;
};
inline constexpr field_spec kFields[] = {
    {"Salutation", 25},       {"First_Name", 40},  {"Last_Name", 80}, {"Email", 100},
    {"Secondary_Email", 100}, {"Phone", 30},       {"Mobile", 30},    {"Fax", 30},
    {"Title", 100},           {"Department", 100}, {"Skype_ID", 50},  {"Lead_Source", 120},
    {"Contact_Type", 120}};

inline constexpr std::size_t kMaxPerPage = 200;
inline constexpr std::size_t kDiscretePagingLimit = 2000;  // beyond it: page_token
inline constexpr std::size_t kMaxWriteRecords = 100;

boost::json::object user_ref();  // the "Sandbox Admin" user in *_By fields

// Answers 200 when every item succeeded, 400 when none did, 207 when mixed.
response batch_answer(const char* key, boost::json::array items, int all_ok_status);

response handle_records_read(call_context& ctx);
response handle_records_write(call_context& ctx);
response handle_roles(call_context& ctx);
response handle_fields(call_context& ctx);

}  // namespace zohosync::sandbox::crm
