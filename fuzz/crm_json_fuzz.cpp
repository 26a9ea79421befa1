// Zoho CRM answers (connectors/crm/crm_json.hpp). A parser may throw
// ConnectorError for a body it cannot read; anything else escaping, or any
// sanitizer report, is a bug.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "common/wire_time.hpp"
#include "connectors/crm/crm_json.hpp"
#include "fuzz/fuzz_input.hpp"

namespace crm = zohosync::connectors::crm;
using zohosync::connectors::ConnectorError;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto in = zohosync::fuzz::split(data, size, 7);
  try {
    switch (in.selector) {
      case 0: {
        // Fields include rules name, of every shape (lookups, lists, nulls).
        static const std::vector<std::string> kExtra = {"Contact_Type", "Account_Name", "Tag"};
        auto page = crm::parse_record_page(in.body, kExtra);
        (void)crm::parse_field_names(in.body);
        // What was read goes back out in the next write: the writers must
        // take any text the reader produced.
        std::vector<zohosync::connectors::Fields> fields;
        for (const auto& record : page.records)
          fields.push_back(record.fields);
        (void)crm::upsert_body(fields);
        break;
      }
      case 1:
        (void)crm::parse_deleted_page(in.body);
        break;
      case 2:
      case 3: {
        auto items = crm::parse_item_results(in.body, in.selector == 2 ? "data" : "contact_roles");
        if (items) {
          for (const auto& item : *items)
            if (!item.ok)
              (void)crm::item_error(item);
        }
        break;
      }
      case 4: {
        auto roles = crm::parse_roles(in.body);
        (void)crm::roles_body(roles);
        break;
      }
      case 5:
        if (auto ms = crm::parse_time_ms(in.body))
          (void)crm::format_time(*ms);
        break;
      case 6:
        (void)zohosync::common::parse_http_date_ms(in.body);
        break;
    }
  } catch (const ConnectorError&) {
    // A body the parser refuses: the documented outcome.
  }
  return 0;
}
