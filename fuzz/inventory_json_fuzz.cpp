// Zoho Inventory answers (connectors/inventory/inventory_json.hpp). A parser
// may throw ConnectorError for a body it cannot read; anything else escaping,
// or any sanitizer report, is a bug.

#include <cstddef>
#include <cstdint>

#include "connectors/errors.hpp"
#include "connectors/inventory/inventory_json.hpp"
#include "fuzz/fuzz_input.hpp"

namespace inventory = zohosync::connectors::inventory;
using zohosync::connectors::ConnectorError;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto in = zohosync::fuzz::split(data, size, 8);
  try {
    switch (in.selector) {
      case 0:
        (void)inventory::parse_envelope(in.body);
        break;
      case 1:
        (void)inventory::parse_inventory_time(in.body);
        break;
      case 2:
        (void)inventory::parse_contacts_page(in.body);
        break;
      case 3:
        (void)inventory::parse_persons_page(in.body);
        break;
      case 4:
        (void)inventory::parse_person(in.body);
        break;
      case 5:
        (void)inventory::parse_person_write(in.body);
        break;
      case 6:
        (void)inventory::parse_users_page(in.body);
        break;
      case 7:
        (void)inventory::parse_user(in.body);
        break;
    }
  } catch (const ConnectorError&) {
    // A body the parser refuses: the documented outcome.
  }
  return 0;
}
