// Zoho Contracts v1 answers (connectors/contracts/contracts_json.hpp). A
// parser may throw ConnectorError for a body it cannot read; anything else
// escaping, or any sanitizer report, is a bug.

#include <cstddef>
#include <cstdint>

#include "connectors/contracts/contracts_json.hpp"
#include "connectors/errors.hpp"
#include "fuzz/fuzz_input.hpp"

namespace contracts = zohosync::connectors::contracts_json;
using zohosync::connectors::ConnectorError;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto in = zohosync::fuzz::split(data, size, 5);
  // The organization a listing was asked for; a fixed name keeps the input
  // about the body.
  constexpr std::string_view organization = "acme";
  try {
    switch (in.selector) {
      case 0:
        (void)contracts::parse_counterparties(in.body);
        break;
      case 1:
        (void)contracts::parse_contacts(in.body, organization);
        break;
      case 2:
        (void)contracts::parse_created(in.body, organization);
        break;
      case 3:
        (void)contracts::parse_write_answer(in.body);
        break;
      case 4:
        (void)contracts::parse_time_ms(in.body);
        break;
    }
  } catch (const ConnectorError&) {
    // A body the parser refuses: the documented outcome.
  }
  return 0;
}
