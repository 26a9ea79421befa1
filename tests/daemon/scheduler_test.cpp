// The scheduler on in-memory products: per-collection polling propagates an
// edit within the cycle that sees it, a hanging product is cut off at the
// cycle timeout without stalling the others, stop() cancels a stuck cycle,
// the journal is pruned to its retention, and health follows the polls.
#include <doctest/doctest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <memory>
#include <optional>

#include "connectors/memory/memory_connector.hpp"
#include "daemon/metrics.hpp"
#include "daemon/scheduler.hpp"
#include "state/store.hpp"
#include "tests/engine/world.hpp"
#include "tests/state/temp_dir.hpp"

namespace zohosync::daemon {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using zohosync::testing::kAll;
using zohosync::testing::kContracts;
using zohosync::testing::kCrm;
using zohosync::testing::kProjects;

// A product whose listing can be made to hang (an unresponsive server): it
// waits on a timer an hour long, which only cancellation ends.
class HangableConnector final : public connectors::Connector {
 public:
  explicit HangableConnector(connectors::MemoryConnector& inner) : inner_(inner) {}
  std::string_view collection() const override { return inner_.collection(); }
  asio::awaitable<connectors::Listing> list(std::string since) override {
    InFlight counted(lists_in_flight);
    if (hang) {
      asio::steady_timer timer(co_await asio::this_coro::executor);
      timer.expires_after(1h);
      co_await timer.async_wait(asio::use_awaitable);
    }
    co_return co_await inner_.list(std::move(since));
  }
  asio::awaitable<connectors::Record> create(std::string parent, connectors::Fields f) override {
    InFlight counted(writes_in_flight);
    if (hang_writes) {
      asio::steady_timer timer(co_await asio::this_coro::executor);
      timer.expires_after(1h);
      co_await timer.async_wait(asio::use_awaitable);
    }
    co_return co_await inner_.create(std::move(parent), std::move(f));
  }
  asio::awaitable<connectors::Record> update(std::string id, std::string parent,
                                             connectors::Fields f) override {
    return inner_.update(std::move(id), std::move(parent), std::move(f));
  }
  asio::awaitable<void> remove(std::string id, std::string parent) override {
    return inner_.remove(std::move(id), std::move(parent));
  }
  asio::awaitable<std::optional<connectors::Record>> find_by_email(std::string email) override {
    return inner_.find_by_email(std::move(email));
  }
  bool hang = false;
  bool hang_writes = false;
  // Calls still running, ended by cancellation or not.
  int lists_in_flight = 0;
  int writes_in_flight = 0;

 private:
  struct InFlight {
    explicit InFlight(int& n) : count(n) { ++count; }
    ~InFlight() { --count; }
    int& count;
  };
  connectors::MemoryConnector& inner_;
};

struct Rig {
  explicit Rig(Millis interval = 40ms, Millis cycle_timeout = 2s) {
    store.emplace(state::Store::open(dir.sub("state")));
    for (const auto& id : kAll) {
      products[id] = std::make_unique<connectors::MemoryConnector>(testing::memory_options(id));
      wrappers[id] = std::make_unique<HangableConnector>(*products[id]);
      pointers.push_back(wrappers[id].get());
      options.collections.push_back({id, interval, interval / 4, Millis{0}});
    }
    options.cycle_timeout = cycle_timeout;
    options.seed = 7;
  }
  void make_scheduler() {
    scheduler = std::make_unique<Scheduler>(io.get_executor(), *store, pointers,
                                            testing::default_settings(), options, registry);
  }
  // Runs the io_context until `done` holds or `limit` passes; returns whether it held.
  template <typename Pred>
  bool run_until(Pred done, Millis limit = 5s) {
    const auto end = std::chrono::steady_clock::now() + limit;
    while (!done()) {
      if (std::chrono::steady_clock::now() >= end)
        return false;
      io.run_one_for(10ms);
    }
    return true;
  }
  // The record with this email in a product, if any.
  std::optional<connectors::Record> find(const std::string& collection, const std::string& email) {
    for (const auto& [id, r] : products[collection]->records()) {
      for (const auto& [k, v] : r.fields) {
        if (v == email && (k == "email" || k == "Email" || k == "emailId"))
          return r;
      }
    }
    return std::nullopt;
  }

  state::testing::TempDir dir;
  std::optional<state::Store> store;
  std::map<std::string, std::unique_ptr<connectors::MemoryConnector>> products;
  std::map<std::string, std::unique_ptr<HangableConnector>> wrappers;
  std::vector<connectors::Connector*> pointers;
  SchedulerOptions options;
  metrics::Registry registry;
  asio::io_context io;
  std::unique_ptr<Scheduler> scheduler;
};

std::string field(const connectors::Record& r, const std::string& name) {
  auto it = r.fields.find(name);
  return it == r.fields.end() ? "" : it->second;
}

TEST_CASE("an edit in one product reaches the others within two poll intervals") {
  Rig rig;
  connectors::Record ada;
  ada.fields = {{"Email", "ada@example.com"}, {"First_Name", "Ada"}, {"Last_Name", "Lovelace"}};
  rig.products[kCrm]->put(ada);
  rig.make_scheduler();
  rig.scheduler->start();
  REQUIRE(rig.run_until([&] { return rig.find(kProjects, "ada@example.com").has_value(); }));
  REQUIRE(rig.run_until([&] { return rig.find(kContracts, "ada@example.com").has_value(); }));

  // A UI edit in Projects; CRM must show it within two Projects poll intervals.
  auto record = *rig.find(kProjects, "ada@example.com");
  const auto edited = std::chrono::steady_clock::now();
  rig.products[kProjects]->edit(record.id, "first_name", "Augusta");
  REQUIRE(rig.run_until(
      [&] { return field(*rig.find(kCrm, "ada@example.com"), "First_Name") == "Augusta"; }));
  const auto delay = std::chrono::steady_clock::now() - edited;
  REQUIRE(rig.run_until([&] { return !rig.scheduler->cycle_in_flight(); }));
  // interval 40 ms + jitter up to 10 ms, twice; generous for a loaded machine.
  CHECK(delay < 2 * (40ms + 10ms) + 400ms);
  CHECK(rig.registry.value("zohosync_cycles_total",
                           {{"collection", kProjects}, {"result", "ok"}}) >= 1);
  CHECK(rig.registry.value("zohosync_writes_total",
                           {{"collection", kCrm}, {"result", "confirmed"}}) >= 1);
  CHECK(rig.scheduler->last_success_ms(kProjects) > 0);

  bool stopped = false;
  rig.scheduler->stop(1s, [&] { stopped = true; });
  CHECK(rig.run_until([&] { return stopped; }));
}

TEST_CASE(
    "a hanging product's listing is cut within the cycle timeout and never stalls the others") {
  Rig rig(40ms, 150ms);
  rig.wrappers[kContracts]->hang = true;
  connectors::Record ada;
  ada.fields = {{"Email", "ada@example.com"}, {"First_Name", "Ada"}, {"Last_Name", "Lovelace"}};
  rig.products[kCrm]->put(ada);
  std::vector<CycleOutcome> outcomes;
  rig.make_scheduler();
  rig.scheduler->set_on_cycle([&](const CycleOutcome& o) { outcomes.push_back(o); });
  rig.scheduler->start();

  // Projects still gets the CRM person although Contracts hangs on every poll.
  REQUIRE(rig.run_until([&] { return rig.find(kProjects, "ada@example.com").has_value(); }));
  REQUIRE(rig.run_until([&] {
    return rig.registry.value("zohosync_cycles_total",
                              {{"collection", kContracts}, {"result", "failed"}}) >= 2;
  }));
  for (const auto& o : outcomes) {
    if (o.collection == kContracts) {
      CHECK_FALSE(o.ok);
      CHECK(o.duration < 150ms + 500ms);
      bool named = false;
      for (const auto& f : o.report.failures)
        named = named || (f.collection == kContracts && f.message.find("cut") != std::string::npos);
      CHECK(named);
    }
  }
  CHECK(rig.scheduler->last_success_ms(kContracts) == 0);
  CHECK(rig.scheduler->last_success_ms(kCrm) > 0);

  // Health: Contracts has had no successful sync for far more than 3 intervals.
  const auto now = rig.scheduler->started_ms() + 10'000;
  auto verdict = judge_health(rig.scheduler->health(), 3, rig.scheduler->started_ms(), now);
  CHECK_FALSE(verdict.healthy);
  CHECK(verdict.reason.find(kContracts) != std::string::npos);

  // Once it answers again it catches up: the person reaches Contracts.
  rig.wrappers[kContracts]->hang = false;
  REQUIRE(rig.run_until([&] { return rig.find(kContracts, "ada@example.com").has_value(); }));
  CHECK(rig.run_until([&] { return rig.scheduler->last_success_ms(kContracts) > 0; }));
}

// A cycle cut short (a listing at the listing deadline, writes at the cycle
// deadline) must not leave its listings or writes running behind it: they would resume later into a
// cycle that is gone (and at shutdown outlive the connectors), or race the next cycle.
TEST_CASE("a cycle cut short leaves no listing or write of its own running") {
  Rig rig(40ms, 150ms);
  connectors::Record ada;
  ada.fields = {{"Email", "ada@example.com"}, {"First_Name", "Ada"}, {"Last_Name", "Lovelace"}};
  rig.products[kCrm]->put(ada);
  SUBCASE("a hanging listing") {
    rig.wrappers[kContracts]->hang = true;
  }
  SUBCASE("a hanging write") {
    rig.wrappers[kProjects]->hang_writes = true;
  }
  std::vector<CycleOutcome> cut;
  std::vector<int> running_after_cut;
  rig.make_scheduler();
  rig.scheduler->set_on_cycle([&](const CycleOutcome& o) {
    if (o.ok)
      return;
    cut.push_back(o);
    running_after_cut.push_back(rig.wrappers[kContracts]->lists_in_flight +
                                rig.wrappers[kProjects]->writes_in_flight);
  });
  rig.scheduler->start();
  REQUIRE(rig.run_until([&] { return cut.size() >= 2; }));
  for (std::size_t i = 0; i < cut.size(); ++i) {
    CAPTURE(i);
    CHECK_FALSE(cut[i].ok);
    CHECK(running_after_cut[i] == 0);
  }
}

TEST_CASE(
    "the first cycle lists every collection: people already in several products are linked, not "
    "created") {
  Rig rig;
  for (const char* c : {kCrm, kProjects}) {
    connectors::Record r;
    if (std::string(c) == kCrm)
      r.fields = {{"Email", "ada@example.com"}, {"First_Name", "Ada"}, {"Last_Name", "L"}};
    else
      r.fields = {{"email", "ada@example.com"}, {"first_name", "Ada"}, {"last_name", "L"}};
    rig.products[c]->put(r);
  }
  rig.make_scheduler();
  rig.scheduler->start();
  REQUIRE(rig.run_until([&] { return rig.scheduler->cycles_finished() >= 1; }));
  // Counted for each collection it read, never under collection="*".
  for (const char* c : {kCrm, kProjects})
    CHECK(rig.registry.value("zohosync_cycles_total", {{"collection", c}, {"result", "ok"}}) == 1);
  CHECK(rig.registry.render().find("collection=\"*\"") == std::string::npos);
  CHECK(rig.products[kProjects]->calls(connectors::Op::create) == 0);
  CHECK(rig.products[kCrm]->calls(connectors::Op::create) == 0);
  CHECK(rig.products[kProjects]->records().size() == 1);
  for (const auto& h : rig.scheduler->health())
    CHECK(h.last_success_ms > 0);
}

TEST_CASE("stop cancels a stuck cycle within the grace period and the store stays usable") {
  Rig rig(40ms, 1h);
  rig.wrappers[kCrm]->hang = true;
  rig.make_scheduler();
  rig.scheduler->start();
  // The first cycle lists every collection and hangs on CRM.
  REQUIRE(rig.run_until([&] { return rig.scheduler->cycle_in_flight(); }));
  bool stopped = false;
  const auto asked = std::chrono::steady_clock::now();
  rig.scheduler->stop(100ms, [&] { stopped = true; });
  REQUIRE(rig.run_until([&] { return stopped; }, 3s));
  CHECK(std::chrono::steady_clock::now() - asked < 1s);
  CHECK_FALSE(rig.scheduler->cycle_in_flight());
  auto txn = rig.store->begin_write();  // nothing left a transaction open
  std::move(txn).commit();
}

TEST_CASE("the journal is pruned to its retention after cycles") {
  Rig rig;
  rig.options.journal_max_entries = 2;
  for (int i = 0; i < 4; ++i) {
    connectors::Record r;
    r.fields = {{"Email", "p" + std::to_string(i) + "@example.com"},
                {"First_Name", "P"},
                {"Last_Name", std::to_string(i)}};
    rig.products[kCrm]->put(r);
  }
  rig.make_scheduler();
  rig.scheduler->start();
  REQUIRE(rig.run_until([&] {
    return rig.find(kContracts, "p3@example.com").has_value() &&
           rig.find(kProjects, "p3@example.com").has_value() &&
           rig.registry.value("zohosync_journal_pruned_total") > 0 &&
           !rig.scheduler->cycle_in_flight();
  }));
  auto status = state::read_status(*rig.store);
  CHECK(status.entries_per_db["journal"] <= 2);
}

TEST_CASE("reload re-arms the timers: a collection dropped from the schedule is no longer polled") {
  Rig rig;
  rig.make_scheduler();
  rig.scheduler->start();
  REQUIRE(rig.run_until([&] {
    return rig.registry.value("zohosync_cycles_total", {{"collection", kCrm}, {"result", "ok"}}) >=
           1;
  }));
  SchedulerOptions fewer = rig.options;
  std::erase_if(fewer.collections,
                [](const CollectionSchedule& c) { return c.collection == kCrm; });
  rig.scheduler->reload(fewer, testing::default_settings());
  // Let a cycle already queued for CRM finish, then count.
  rig.run_until([&] { return false; }, 100ms);
  const double before =
      rig.registry.value("zohosync_cycles_total", {{"collection", kCrm}, {"result", "ok"}});
  const auto projects_before =
      rig.registry.value("zohosync_cycles_total", {{"collection", kProjects}, {"result", "ok"}});
  REQUIRE(rig.run_until([&] {
    return rig.registry.value("zohosync_cycles_total",
                              {{"collection", kProjects}, {"result", "ok"}}) >= projects_before + 3;
  }));
  CHECK(rig.registry.value("zohosync_cycles_total", {{"collection", kCrm}, {"result", "ok"}}) ==
        before);
  CHECK(rig.scheduler->health().size() == kAll.size() - 1);
}

}  // namespace
}  // namespace zohosync::daemon
