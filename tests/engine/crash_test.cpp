// Crash injection: the executor is stopped after each of its steps, the store
// reopened and the cycle resumed. The end state must equal the uninterrupted
// one, with no duplicate in any product.
#include <doctest/doctest.h>

#include <sstream>

#include "mapping/normalize.hpp"
#include "tests/engine/world.hpp"

using namespace zohosync;
using namespace zohosync::testing;

namespace {

struct InjectedCrash {};

mapping::SyncSettings crash_settings() {
  auto s = default_settings();
  s.on_delete = mapping::OnDelete::propagate;
  return s;
}

// First cycle: creates, links and fills across products.
void seed(World& w) {
  w.add(kCrm, "a@example.com", "Ann", "Ash", {{"Phone", "100"}});
  w.add(kInvPersons, "A@example.com", "Ann", "", {{"designation", "Chef"}});
  w.add(kProjects, "b@example.com", "Bea", "Birch");
  w.add(kContracts, "c@example.com", "Cal", "Cedar");
  w.add(kInvUsers, "d@example.com", "Dee", "Dune");
}

// Second cycle: updates, an email change and a propagated delete.
void mutate(World& w) {
  auto& crm = w.product(kCrm);
  for (const auto& [id, r] : crm.records()) {
    auto email = mapping::normalize_email(r.fields.at("Email"));
    if (email == "a@example.com")
      crm.edit(id, "Title", "Head Chef");
    if (email == "b@example.com")
      crm.edit(id, "Email", "bea@example.com");
    if (email == "c@example.com") {
      crm.erase(id);
      break;
    }
  }
}

std::string people_dump(World& w) {
  std::ostringstream out;
  std::map<std::string, std::string> rows;
  for (const auto& p : w.people()) {
    std::string line;
    for (auto f : mapping::kAllFields)
      line += p.values[f] + "|";
    rows[mapping::normalize_email(p.values[mapping::Field::email])] = line;
  }
  for (const auto& [k, v] : rows)
    out << k << " " << v << "\n";
  out << "links " << w.links().size() << "\n";
  return out.str();
}

std::string end_state(World& w) {
  return dump_products(w) + people_dump(w);
}

// Runs `steps` (0: seed cycle, 1: mutate cycle) crashing at hook call
// `crash_at` of cycle `phase`; returns false once crash_at is past the last
// hook call (the cycle finished without crashing).
bool run_with_crash(int phase, int crash_at, std::string& state_out, std::size_t batch) {
  World w(crash_settings());
  seed(w);
  bool crashed = false;
  for (int cycle = 0; cycle < 2; ++cycle) {
    if (cycle == 1)
      mutate(w);
    daemon::CycleOptions options;
    options.batch = batch;
    int calls = 0;
    if (cycle == phase) {
      options.fault_hook = [&](daemon::FaultPoint) {
        if (++calls == crash_at)
          throw InjectedCrash{};
      };
    }
    try {
      w.run(options);
    } catch (const InjectedCrash&) {
      crashed = true;
      w.restart();  // a new process: reopen the store, resume the outbox
      w.run();
    }
  }
  w.run();  // settle: echoes
  CHECK(w.outbox_size() == 0);
  // Settled: a further cycle plans nothing.
  w.forbid_writes(true);
  auto quiet = w.run();
  CHECK(quiet.planned_writes == 0);
  CHECK(w.total_violations() == 0);
  state_out = end_state(w);
  return crashed;
}

}  // namespace

TEST_CASE("crash after each executor step: resume gives the same end state, no duplicate") {
  std::string reference;
  {
    World w(crash_settings());
    seed(w);
    w.run();
    mutate(w);
    w.run();
    w.run();
    reference = end_state(w);
    // Sanity of the reference itself.
    CHECK(reference.find("bea@example.com") != std::string::npos);
    CHECK(reference.find("c@example.com") == std::string::npos);
  }
  for (std::size_t batch : {std::size_t{1}, std::size_t{64}}) {
    for (int phase = 0; phase < 2; ++phase) {
      int crashes = 0;
      for (int crash_at = 1; crash_at < 200; ++crash_at) {
        CAPTURE(batch);
        CAPTURE(phase);
        CAPTURE(crash_at);
        std::string got;
        const bool crashed = run_with_crash(phase, crash_at, got, batch);
        CHECK(got == reference);
        if (!crashed)
          break;
        ++crashes;
      }
      CAPTURE(phase);
      CHECK(crashes >= 3);  // after_list, after_plan_commit and at least one send
    }
  }
}
