// Creates left in the outbox by an earlier run (a product failing half-way
// through its writes) are resumed with one listing of the target instead of one
// lookup each (a lookup may scan every Projects client or Contracts
// counterparty), and a create the earlier run did carry out is still found
// rather than made twice.
#include <doctest/doctest.h>

#include "tests/engine/world.hpp"

namespace zohosync::testing {
namespace {

using connectors::ErrorClass;
using connectors::Op;

TEST_CASE("resume: many left-over creates cost one listing, not one lookup each") {
  World w;
  constexpr int kPeople = 30;
  for (int i = 0; i < kPeople; ++i)
    w.add(kCrm, "left" + std::to_string(i) + "@example.com", "Left", std::to_string(i));
  // Projects fails three creates in a row (one per batch): to the engine it
  // is down for the rest of the run, so the rest of its creates stay pending.
  w.product(kProjects).fail_op(Op::create, ErrorClass::transient, 3);
  daemon::CycleOptions one_per_batch;
  one_per_batch.batch = 1;
  auto first = w.run(one_per_batch);
  CHECK(first.pending > 10);

  // The earlier run's create of one of them did take effect after all.
  connectors::Record done;
  done.fields = {{"email", "left7@example.com"}, {"first_name", "Left"}, {"last_name", "7"}};
  w.product(kProjects).put(done);

  w.restart();
  w.reset_counters();
  auto resumed = w.run();
  CHECK(resumed.resumed == first.pending);
  CHECK(w.product(kProjects).calls(Op::find_by_email) <= 1);  // only the one that exists
  CHECK(w.product(kProjects).calls(Op::list) >= 1);
  std::map<std::string, int> held;
  for (const auto& [id, record] : w.product(kProjects).records())
    ++held[record.fields.at("email")];
  for (int i = 0; i < kPeople; ++i)
    CHECK(held["left" + std::to_string(i) + "@example.com"] == 1);
  CHECK(w.outbox_size() == 0);
}

}  // namespace
}  // namespace zohosync::testing
