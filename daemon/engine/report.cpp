#include "daemon/engine/report.hpp"

namespace zohosync::daemon {

std::size_t CycleReport::total(std::size_t CollectionCounts::*field) const {
  std::size_t n = 0;
  for (const auto& [id, counts] : collections)
    n += counts.*field;
  return n;
}

std::string product_of(std::string_view collection) {
  return std::string(collection.substr(0, collection.find('.')));
}

bool CycleReport::ok() const {
  return failures.empty() && unknown_collections.empty() && pending == 0 && !fatal &&
         total(&CollectionCounts::held) == 0 && total(&CollectionCounts::quarantined) == 0;
}

}  // namespace zohosync::daemon
