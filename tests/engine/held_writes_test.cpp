// Writes held for a request budget (CycleOptions::write_budget, the daemon's
// Projects): the cycle does not wait for them, they stay in the outbox, and a
// send-only pass takes them once the budget holds requests again, listing
// nothing.
#include <doctest/doctest.h>

#include <map>
#include <string>

#include "daemon/engine/write_budget.hpp"
#include "mapping/normalize.hpp"
#include "tests/engine/world.hpp"

using namespace zohosync;
using namespace zohosync::testing;
using connectors::Op;

namespace {

// Projects' budget, set by the test; every other product not held back.
class ProjectsBudget final : public daemon::WriteBudget {
 public:
  std::optional<double> available(std::string_view collection) const override {
    if (collection != kProjects)
      return std::nullopt;
    return requests;
  }
  std::chrono::milliseconds time_until(std::string_view, double) const override {
    return std::chrono::seconds(12);
  }
  double requests = 0.0;
};

std::size_t with_email(World& w, const std::string& collection, const std::string& email) {
  const auto* spec = mapping::find_collection(collection);
  std::size_t n = 0;
  for (const auto& [id, r] : w.product(collection).records()) {
    auto it = r.fields.find(std::string(spec->email_field()));
    if (it != r.fields.end() && mapping::normalize_email(it->second) == email)
      ++n;
  }
  return n;
}

}  // namespace

TEST_CASE("writes a budget cannot pay for wait in the outbox while the others go out") {
  World w;
  ProjectsBudget budget;
  w.add(kCrm, "ann@x.example", "Ann", "Lee");
  w.add(kCrm, "bob@x.example", "Bob", "Ray");
  w.add(kCrm, "cy@x.example", "Cy", "Doe");

  daemon::CycleOptions paced;
  paced.write_budget = &budget;
  const daemon::CycleReport first = w.run(paced);
  CHECK_FALSE(first.fatal);
  CHECK(first.failures.empty());
  // Everyone reached Inventory and Contracts; nothing was sent to Projects.
  for (const char* email : {"ann@x.example", "bob@x.example", "cy@x.example"}) {
    CHECK(with_email(w, kInvPersons, email) == 1);
    CHECK(with_email(w, kContracts, email) == 1);
    CHECK(with_email(w, kProjects, email) == 0);
  }
  CHECK(w.product(kProjects).calls(Op::create) == 0);
  CHECK(w.product(kProjects).calls(Op::find_by_email) == 0);
  REQUIRE(first.held_for_budget.count(kProjects) == 1);
  CHECK(first.held_for_budget.at(kProjects) == 3);
  CHECK(first.held_for_budget.size() == 1);
  CHECK(first.pending == 3);
  CHECK(w.outbox_size() == 3);

  // One request: one create goes (its lookup and its share of a batched
  // create), the others wait.
  budget.requests = 1.0;
  daemon::CycleOptions send_only = paced;
  send_only.send_only = true;
  w.reset_counters();
  const daemon::CycleReport second = w.run(send_only);
  CHECK(w.product(kCrm).calls(Op::list) == 0);  // a send-only pass lists nothing
  CHECK(w.product(kProjects).calls(Op::list) == 0);
  CHECK(w.product(kProjects).calls(Op::create) == 1);
  CHECK(second.total(&daemon::CollectionCounts::confirmed) == 1);
  CHECK(second.held_for_budget.at(kProjects) == 2);
  CHECK(w.outbox_size() == 2);

  // The budget refilled: the rest go, and nothing is written twice.
  budget.requests = 100.0;
  const daemon::CycleReport third = w.run(send_only);
  CHECK(third.held_for_budget.empty());
  CHECK(third.pending == 0);
  CHECK(w.outbox_size() == 0);
  for (const char* email : {"ann@x.example", "bob@x.example", "cy@x.example"})
    CHECK(with_email(w, kProjects, email) == 1);
  CHECK(w.run(paced).planned_writes == 0);
  CHECK(disagreements(w).empty());
}

TEST_CASE("without a write budget, every write is sent in its cycle") {
  World w;
  w.add(kCrm, "ann@x.example", "Ann", "Lee");
  const daemon::CycleReport report = w.run();
  CHECK(report.held_for_budget.empty());
  CHECK(with_email(w, kProjects, "ann@x.example") == 1);
  CHECK(w.outbox_size() == 0);
}
