#pragma once
// What the propagation tests and benchmarks ask of zoho-sandbox dumps: a
// person two products hold, and how long an edit takes to show in another
// product (a bounded poll of the dump).

#include <boost/json/object.hpp>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace zohosync::support {

// A CRM contact whose email `collection` holds exactly once.
struct CrmPerson {
  std::string id;     // the CRM contact's id
  std::string email;  // as CRM shows it
};
std::optional<CrmPerson> crm_person_also_in(const boost::json::object& dump,
                                            std::string_view collection);

// The string value of `key` in a dump record, "" when absent or not a string.
std::string text_field(const boost::json::object& record, const char* key);

// Polls `dump` (every 50 ms) until the one record of `collection` with
// `email` shows `value` in `field`; how long that took, nullopt when not
// within `limit`.
std::optional<std::chrono::milliseconds> wait_until_shown(
    const std::function<boost::json::object()>& dump, std::string_view collection,
    const std::string& email, const char* field, const std::string& value,
    std::chrono::milliseconds limit);

}  // namespace zohosync::support
