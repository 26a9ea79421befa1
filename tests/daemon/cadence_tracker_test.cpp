// CadenceTracker: what it measures of each collection's real cadence, and
// what it says in the log (at most once, or once a minute).
#include <doctest/doctest.h>

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <sstream>
#include <stdexcept>

#include "daemon/cadence_tracker.hpp"
#include "daemon/metrics.hpp"

namespace zohosync::daemon {
namespace {

using namespace std::chrono_literals;

// A connector that only reports where its pass over parents stands.
class PassConnector final : public connectors::Connector {
 public:
  explicit PassConnector(std::string collection) : collection_(std::move(collection)) {}
  std::string_view collection() const override { return collection_; }
  boost::asio::awaitable<connectors::Listing> list(std::string) override { throw unused(); }
  boost::asio::awaitable<connectors::Record> create(std::string, connectors::Fields) override {
    throw unused();
  }
  boost::asio::awaitable<connectors::Record> update(std::string, std::string,
                                                    connectors::Fields) override {
    throw unused();
  }
  boost::asio::awaitable<void> remove(std::string, std::string) override { throw unused(); }
  boost::asio::awaitable<std::optional<connectors::Record>> find_by_email(std::string) override {
    throw unused();
  }
  std::optional<connectors::ListingProgress> listing_progress() const override { return progress; }
  std::optional<connectors::ListingProgress> progress;

 private:
  static std::logic_error unused() { return std::logic_error("not used by the tracker"); }
  std::string collection_;
};

// Routes the default logger into a string for the test's lifetime.
class CapturedLog {
 public:
  CapturedLog() : previous_(spdlog::default_logger()) {
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out_);
    sink->set_pattern("%l %v");
    spdlog::set_default_logger(std::make_shared<spdlog::logger>("capture", sink));
  }
  ~CapturedLog() { spdlog::set_default_logger(previous_); }
  std::size_t count(const std::string& text) const {
    const std::string all = out_.str();
    std::size_t n = 0;
    for (auto at = all.find(text); at != std::string::npos; at = all.find(text, at + 1))
      ++n;
    return n;
  }
  std::string text() const { return out_.str(); }

 private:
  std::ostringstream out_;
  std::shared_ptr<spdlog::logger> previous_;
};

}  // namespace

TEST_CASE("cadence: a collection read whole each poll is measured between listings") {
  CapturedLog log;
  PassConnector crm("crm.contacts");
  CadenceTracker tracker({&crm});
  tracker.configure({{"crm.contacts", 5s}});
  for (std::int64_t t : {0, 5'000, 10'000, 15'000})
    tracker.listed("crm.contacts", 1'000'000 + t);
  const state::Cadence& c = tracker.cadences().at("crm.contacts");
  CHECK(c.poll_interval_ms == 5'000);
  CHECK(c.effective_interval_ms == 5'000);
  CHECK(c.parents_total == 0);
  CHECK(log.count("not every") == 0);

  // Cycles that take 15 s against a 5 s interval: said once.
  for (std::int64_t t = 30'000; t <= 150'000; t += 15'000)
    tracker.listed("crm.contacts", 1'000'000 + t);
  CHECK(c.effective_interval_ms > 10'000);
  CHECK(log.count("crm.contacts: read every") == 1);
  CHECK(log.count("not every 5s as configured") == 1);

  metrics::Registry registry;
  CadenceTracker::describe_metrics(registry);
  tracker.export_metrics(registry);
  CHECK(registry.value("zohosync_poll_interval_seconds", {{"collection", "crm.contacts"}}) == 5);
  CHECK(registry.value("zohosync_effective_poll_interval_seconds",
                       {{"collection", "crm.contacts"}}) ==
        doctest::Approx(static_cast<double>(c.effective_interval_ms) / 1000.0));
}

TEST_CASE("cadence: the gap that spans the daemon's start does not count") {
  // The first cycle lists every collection at once and takes 40 s; the
  // polls queued behind it then keep their 5 s.
  CapturedLog log;
  PassConnector crm("crm.contacts");
  CadenceTracker tracker({&crm});
  tracker.configure({{"crm.contacts", 5s}});
  tracker.listed("crm.contacts", 1'000'000);
  for (std::int64_t t = 40'000; t <= 80'000; t += 5'000)
    tracker.listed("crm.contacts", 1'000'000 + t);
  CHECK(tracker.cadences().at("crm.contacts").effective_interval_ms == 5'000);
  CHECK(log.count("not every") == 0);
}

TEST_CASE("cadence: a pass spread over polls has a length, a progress and an estimate") {
  CapturedLog log;
  PassConnector projects("projects.contacts");
  CadenceTracker tracker({&projects});
  tracker.configure({{"projects.contacts", 10s}});
  const std::int64_t t0 = 2'000'000;
  // Seen mid-pass at start (a pass begun by an earlier run): no length yet.
  projects.progress = connectors::ListingProgress{40, 100, 0, "client", "clients"};
  tracker.listed("projects.contacts", t0);
  const state::Cadence& c = tracker.cadences().at("projects.contacts");
  CHECK(c.parents_read == 40);
  CHECK(c.parents_total == 100);
  CHECK(c.pass_remaining_ms == -1);  // no pace measured yet
  // 10 clients a poll, a poll every 10 s: 50 left, about 50 s to go.
  projects.progress->parents_read = 50;
  tracker.listed("projects.contacts", t0 + 10'000);
  CHECK(c.pass_remaining_ms == 50'000);
  projects.progress->parents_read = 100;
  tracker.listed("projects.contacts", t0 + 60'000);
  CHECK(c.pass_remaining_ms == 0);
  CHECK(c.last_pass_ms == 0);  // that pass began before this run

  // The next pass, seen from its start: 100 clients in 100 s.
  projects.progress = connectors::ListingProgress{10, 100, 1, "client", "clients"};
  tracker.listed("projects.contacts", t0 + 70'000);
  for (int k = 2; k <= 10; ++k) {
    projects.progress->parents_read = static_cast<std::size_t>(10 * k);
    tracker.listed("projects.contacts", t0 + 70'000 + 10'000 * (k - 1));
  }
  projects.progress = connectors::ListingProgress{10, 100, 2, "client", "clients"};
  tracker.listed("projects.contacts", t0 + 170'000);
  CHECK(c.last_pass_ms == 100'000);
  // Before this pass's pace is known, the last pass's length estimates it.
  CHECK(c.pass_remaining_ms == 90'000);

  // 100 s a pass against a 10 s interval: said once, with the figures.
  CHECK(log.count("a whole pass over its 100 clients takes about") == 1);
  CHECK(log.count("longer than its poll interval (10s)") == 1);
  // A pass with more than a minute to go: a progress line, once a minute.
  CHECK(log.count("projects.contacts: pass over its clients:") >= 1);
  CHECK(log.count("projects.contacts: pass over its clients:") <= 3);

  metrics::Registry registry;
  CadenceTracker::describe_metrics(registry);
  tracker.export_metrics(registry);
  const metrics::Labels labels{{"collection", "projects.contacts"}};
  CHECK(registry.value("zohosync_listing_pass_seconds", labels) == 100);
  CHECK(registry.value("zohosync_listing_pass_progress_ratio", labels) == doctest::Approx(0.1));
  CHECK(registry.value("zohosync_listing_pass_remaining_seconds", labels) == 90);
}

TEST_CASE("cadence: rounded durations for log lines") {
  CHECK(rounded_duration(0) == "0s");
  CHECK(rounded_duration(44'600) == "45s");
  CHECK(rounded_duration(390'000) == "6m30s");
  CHECK(rounded_duration(3'900'000) == "1h05m");
}

}  // namespace zohosync::daemon
