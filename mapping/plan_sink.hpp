#pragma once
// Where the planner's decisions go: the executor puts writes into the outbox
// and counts the rest; tests collect them.

#include <string>
#include <utility>
#include <vector>

#include "mapping/model.hpp"

namespace zohosync::mapping {

class PlanSink {
 public:
  virtual ~PlanSink() = default;
  virtual void emit(Action&& action) = 0;
  // A write this person needs in `collection` was not planned because that
  // collection could not be listed this cycle: the caller must plan again
  // once it answers (the change that asked for the write must not be lost).
  virtual void deferred(const std::string& collection) { (void)collection; }
  // Records of `collection` that this listing showed were left unjudged (a
  // guard refused what they implied): the caller must not move past this
  // listing, so that the next one shows them again.
  virtual void unjudged(const std::string& collection) { (void)collection; }
};

class CollectingSink final : public PlanSink {
 public:
  void emit(Action&& action) override { actions.push_back(std::move(action)); }
  std::vector<Action> actions;
};

}  // namespace zohosync::mapping
