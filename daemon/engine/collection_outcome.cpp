#include "daemon/engine/collection_outcome.hpp"

#include <algorithm>

namespace zohosync::daemon {

std::string collection_failure(const CycleReport& report, const std::string& collection,
                               const std::string& cycle_error) {
  if (!cycle_error.empty())
    return cycle_error;
  const auto& unknown = report.unknown_collections;
  const bool listed = std::find(unknown.begin(), unknown.end(), collection) == unknown.end() &&
                      report.collections.count(collection) > 0;
  if (listed && !report.fatal)
    return {};
  std::string why = report.fatal ? "fatal error" : "listing failed";
  for (const auto& f : report.failures) {
    if (f.collection == collection && f.record_id.empty()) {
      // An outage says so: the product, and why it could not be reached.
      return report.unreachable_collections.count(f.collection) != 0
                 ? "cannot reach " + product_of(collection) + ": " + f.message
                 : why + ": " + f.message;
    }
  }
  return why;
}

}  // namespace zohosync::daemon
