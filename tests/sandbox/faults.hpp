// Injected failures at the HTTP seam: on the Nth matching call or at a rate.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <optional>
#include <random>
#include <string>
#include <vector>

namespace zohosync::sandbox {

enum class fault_kind { status_500, status_429, reset, hang, truncate, malformed, latency };

struct fault_rule {
  int id = 0;
  std::string method;  // empty: any
  std::string path;    // exact path, "prefix*", or "*" (also empty) for any
  fault_kind kind = fault_kind::status_500;
  double rate = 0;  // probability per matching call (when nth == 0)
  int nth = 0;      // fire from the Nth matching call on (1-based)
  int times = -1;   // how many times it fires; -1 = unlimited (default 1 with nth)
  int ms = 0;       // hang / latency duration
  int seen = 0;
  int fired = 0;
};

class fault_table {
 public:
  // Parses {"kind":"500","path":..,"method":..,"nth":..,"rate":..,"times":..,"ms":..}.
  // Returns an error text when the rule is not understood.
  std::optional<std::string> add(const boost::json::object& spec);
  // Parses the command-line form "kind=hang,path=/crm/v8/Contacts,nth=2,ms=5000".
  std::optional<std::string> add_spec(const std::string& spec);
  // Counts the call against every matching rule; returns the first that fires.
  std::optional<fault_rule> on_call(const std::string& method, const std::string& path);
  boost::json::array list() const;
  void clear() { rules_.clear(); }
  void reseed(std::uint64_t seed) { gen_.seed(seed); }

 private:
  std::vector<fault_rule> rules_;
  std::mt19937_64 gen_{7};
  int next_id_ = 1;
};

const char* fault_kind_name(fault_kind k);

}  // namespace zohosync::sandbox
