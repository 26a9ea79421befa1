// Everything one sandbox instance holds: knobs, clock, records, tokens,
// faults, limits and counters. Single-threaded: only the io_context thread
// touches it.
#pragma once

#include "tests/sandbox/clock.hpp"
#include "tests/sandbox/data.hpp"
#include "tests/sandbox/faults.hpp"
#include "tests/sandbox/http_types.hpp"
#include "tests/sandbox/limits.hpp"
#include "tests/sandbox/oauth.hpp"
#include "tests/sandbox/options.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <vector>

namespace zohosync::sandbox {

// Where a CRM page_token continues: the listing it belongs to and the offset.
struct crm_cursor {
  std::string sort_by, sort_order, fields;
  std::int64_t modified_since = 0;  // 0: no If-Modified-Since
  std::size_t offset = 0;
  std::int64_t expires_at = 0;
};

class sandbox {
 public:
  explicit sandbox(options o);

  // Back to the seeded state: records regenerated, counters, faults, limits
  // and the token-request window cleared. Issued tokens and the clock stay.
  void reset();
  void regenerate();
  std::int64_t now() const { return clock.now(); }
  void count(const std::string& product, const std::string& method, const std::string& path);
  // A call the rate limits refused (not an injected 429): clients prove they
  // obeyed the limits by this staying empty.
  void count_limited(limit_verdict verdict);
  boost::json::object counters_json() const;
  boost::json::object info_json() const;

  options opts;
  sandbox_clock clock;
  store data;
  token_store tokens;
  fault_table faults;
  rate_limiter limits;
  std::map<std::string, crm_cursor> crm_cursors;
  std::string base_url = "http://127.0.0.1:0";
  std::uint64_t cursor_serial = 0;

 private:
  std::map<std::tuple<std::string, std::string, std::string>, long> counters_;
  std::map<std::string, long> limited_;
};

// The context a product handler runs in.
struct call_context {
  sandbox& sb;
  const request& req;
  const std::vector<std::string>& segs;  // path segments
  const access_token& token;
};

response json_response(int status, const boost::json::value& body);
response empty_response(int status);

}  // namespace zohosync::sandbox
