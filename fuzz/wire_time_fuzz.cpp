// The date-time parsers (common/wire_time.hpp), one reading per selector.
// None may throw or trip a sanitizer; an IMF-fixdate, whole seconds from 1970
// on, must read as such.

#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "common/wire_time.hpp"
#include "fuzz/fuzz_input.hpp"

namespace common = zohosync::common;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto in = zohosync::fuzz::split(data, size, 6);
  switch (in.selector) {
    case 0:
      if (auto ms = common::parse_http_date_ms(in.body, common::HttpDateReading::imf_fixdate)) {
        if (*ms < 0 || *ms % 1000 != 0)
          std::abort();
      }
      break;
    case 1:
      (void)common::parse_http_date_ms(in.body, common::HttpDateReading::lenient);
      break;
    case 2:
      (void)common::parse_iso8601_ms(in.body, common::IsoReading::crm);
      break;
    case 3:
      (void)common::parse_iso8601_ms(in.body, common::IsoReading::inventory);
      break;
    case 4:
      (void)common::parse_iso8601_ms(in.body, common::IsoReading::contracts);
      break;
    case 5:
      (void)common::parse_iso8601_ms(in.body, common::IsoReading::journal_since);
      break;
  }
  return 0;
}
