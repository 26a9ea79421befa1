// A journal entry says when its own write was confirmed, not when the cycle
// began: `journal --since -1h` after a cycle that ran for hours must show the
// writes of the last hour.
#include <doctest/doctest.h>

#include <cstdint>
#include <set>

#include "tests/engine/world.hpp"

using namespace zohosync::testing;

TEST_CASE("each journal entry carries the wall time of its own write") {
  World w;
  w.add(kCrm, "ann@example.com", "Ann", "Lee");
  w.add(kCrm, "bob@example.com", "Bob", "Stone");
  const std::int64_t cycle_start = w.now_ms;
  // A clock an hour past the cycle's start that moves a minute per reading.
  std::int64_t clock = cycle_start + 3'600'000;
  zohosync::daemon::CycleOptions options;
  options.now_ms = cycle_start;
  options.batch = 1;
  options.wall_clock_ms = [&clock] { return clock += 60'000; };
  REQUIRE(w.run(options).ok());

  const auto journal = w.journal();
  REQUIRE(journal.size() == 6);  // two people into three create targets
  std::set<std::int64_t> times;
  for (const auto& entry : journal) {
    CAPTURE(entry.seq);
    CHECK(entry.time_ms > cycle_start + 3'600'000);
    CHECK(entry.time_ms <= clock);
    times.insert(entry.time_ms);
  }
  CHECK(times.size() == journal.size());  // one reading per write
}
