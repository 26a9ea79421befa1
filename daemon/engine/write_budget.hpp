#pragma once
// Writes that must not wait for a product's request budget. The daemon reads
// Projects in slices that take only what its budget holds; its writes do the
// same: a write the budget cannot pay for now stays in the outbox (it was
// never sent, so nothing is lost or repeated) and the scheduler comes back
// for it once the budget has refilled. A product paced by its budget then
// never holds back the cycles of the others.

#include <chrono>
#include <optional>
#include <string_view>

namespace zohosync::daemon {

class WriteBudget {
 public:
  virtual ~WriteBudget() = default;
  // The requests the collection's product can send now without waiting;
  // nullopt when writes to it are not held back (they wait for the budget
  // in line, as a one-shot run's do).
  virtual std::optional<double> available(std::string_view collection) const = 0;
  // How long until the collection's product has `requests` to spend.
  virtual std::chrono::milliseconds time_until(std::string_view collection,
                                               double requests) const = 0;
};

}  // namespace zohosync::daemon
