// Zoho Projects v3 answers (connectors/projects/projects_json.hpp). A parser
// may throw ConnectorError for a body it cannot read; anything else escaping,
// or any sanitizer report, is a bug.

#include <cstddef>
#include <cstdint>

#include "connectors/errors.hpp"
#include "connectors/projects/projects_json.hpp"
#include "fuzz/fuzz_input.hpp"

namespace projects = zohosync::connectors::projects_json;
using zohosync::connectors::ConnectorError;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto in = zohosync::fuzz::split(data, size, 5);
  try {
    switch (in.selector) {
      case 0:
        (void)projects::parse_clients_page(in.body);
        break;
      case 1:
        (void)projects::parse_contacts_page(in.body);
        break;
      case 2:
        (void)projects::parse_contact(in.body);
        break;
      case 3:
        (void)projects::parse_create_answer(in.body);
        break;
      case 4:
        (void)projects::parse_error_values(in.body);
        break;
    }
  } catch (const ConnectorError&) {
    // A body the parser refuses: the documented outcome.
  }
  return 0;
}
