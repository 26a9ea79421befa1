#pragma once

#include <set>
#include <string>

#include "daemon/engine/cycle_options.hpp"
#include "daemon/engine/report.hpp"
#include "mapping/plan_sink.hpp"

namespace zohosync::state {
class Store;
class WriteTxn;
}  // namespace zohosync::state

namespace zohosync::daemon {

// Receives the planner's actions inside the plan transaction: counts them,
// and puts every write into the outbox.
class PlanRecorder final : public mapping::PlanSink {
 public:
  PlanRecorder(state::WriteTxn& txn, const state::Store& store, CycleReport& report,
               const CycleOptions& options)
      : txn_(txn), store_(store), report_(report), options_(options) {}

  void deferred(const std::string& collection) override { deferred_targets_.insert(collection); }
  void unjudged(const std::string& collection) override { unjudged_.insert(collection); }
  // Collections some write was held back for (unknown this cycle).
  const std::set<std::string, std::less<>>& deferred_targets() const { return deferred_targets_; }
  // Collections whose listing must be read again (PlanSink::unjudged).
  const std::set<std::string, std::less<>>& unjudged() const { return unjudged_; }

  void emit(mapping::Action&& a) override;

  // Collections this plan writes into.
  const std::set<std::string, std::less<>>& write_targets() const { return write_targets_; }

 private:
  state::WriteTxn& txn_;
  const state::Store& store_;
  CycleReport& report_;
  const CycleOptions& options_;
  std::set<std::string, std::less<>> deferred_targets_;
  std::set<std::string, std::less<>> unjudged_;
  std::set<std::string, std::less<>> write_targets_;
};

}  // namespace zohosync::daemon
