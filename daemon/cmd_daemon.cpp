// `zohosync daemon`: the long-running service. Wiring only: the scheduler
// (scheduler.hpp) polls each collection on its own timer and runs the engine;
// this file connects it to the config, the connectors, the state store, the
// loopback /metrics and /healthz listener, systemd notifications and signals.
//
// Shutdown (SIGTERM/SIGINT): STOPPING=1, no new cycles, the in-flight cycle
// gets service.shutdown_timeout to finish and is then cancelled; no LMDB
// transaction is ever held across a co_await, so whatever was committed is
// consistent and the outbox resumes unsent writes on the next start. A hard
// stop follows a few seconds later should cancellation not take.
#include <sys/stat.h>
#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <chrono>
#include <cstdio>
#include <optional>

#include <boost/json/serialize.hpp>
#include "connectors/crm/contact_role_sync.hpp"
#include "daemon/admin_listener.hpp"
#include "daemon/commands.hpp"
#include "daemon/config_loading.hpp"
#include "daemon/connector_set.hpp"
#include "daemon/contact_roles_step.hpp"
#include "daemon/exit_codes.hpp"
#include "daemon/failure_exit.hpp"
#include "daemon/health.hpp"
#include "daemon/instance_lock.hpp"

#include "daemon/build_info.hpp"
#include "daemon/metrics.hpp"
#include "daemon/scheduler.hpp"
#include "daemon/sd_notify.hpp"
#include "daemon/signals.hpp"
#include "daemon/state_errors.hpp"
#include "daemon/status_document.hpp"
#include "daemon/status_page.hpp"
#include "daemon/sync_settings.hpp"
#include "mapping/collections.hpp"
#include "state/store.hpp"

namespace zohosync::daemon {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

// Past the shutdown timeout, how long cancellation may take before the
// io_context is stopped regardless.
constexpr Millis kHardStopMargin = 5s;

std::int64_t now_ms() {
  return std::chrono::duration_cast<Millis>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

SchedulerOptions scheduler_options(const config::Config& config) {
  SchedulerOptions options;
  for (const auto& id : config::collection_ids()) {
    const config::CollectionConfig& c = config.collection(id);
    if (!c.active)
      continue;
    // Full scans of inventory.contact_persons are the connector's own
    // business (full_scan_interval in its options), not a scheduler listing.
    options.collections.push_back({id, c.poll_interval, c.poll_jitter, Millis{0}});
  }
  // Every request is bounded by http.timeout and retried at most http.retries
  // times, so a product that stops answering cannot hold a cycle for long on
  // its own; the deadline is the backstop. It must leave room for a full
  // listing paced by a product's request limit (Projects: 100 requests per 2
  // minutes, one per client), which takes minutes on a mid-size portal; a
  // listing is cut at two thirds of it.
  options.cycle_timeout =
      std::max<Millis>(15min, config.http.timeout * (static_cast<long>(config.http.retries) + 2));
  options.journal_max_entries = static_cast<std::size_t>(config.sync.journal_max_entries);
  options.journal_max_age = config.sync.journal_max_age;
  return options;
}

void describe_runtime_metrics(metrics::Registry& r) {
  using metrics::Type;
  r.describe("zohosync_api_requests_total", Type::counter, "HTTP requests sent, by product");
  r.describe("zohosync_api_retries_total", Type::counter, "HTTP requests retried, by product");
  r.describe("zohosync_api_responses_total", Type::counter,
             "HTTP answers received, by product and status");
  r.describe("zohosync_api_throttled_total", Type::counter,
             "Rate-limit answers (429 and the products' own throttling codes), by product");
  r.describe("zohosync_api_transport_errors_total", Type::counter,
             "Requests that got no answer (connection reset, timeout), by product");
  r.describe("zohosync_api_throttled_until_seconds", Type::gauge,
             "Unix time a throttle the product announced (Retry-After, a lockout) ends; 0: none. "
             "Binds every zohosync process on the state dir");
  r.describe("zohosync_crm_credits_used", Type::gauge,
             "CRM API credits spent in the last 24 hours (our count, or CRM's when higher)");
  r.describe("zohosync_crm_credits_left", Type::gauge,
             "CRM API credits left before writes pause (crm.write_budget_share)");
  r.describe("zohosync_conflicts_open", Type::gauge, "Conflicts held for manual resolution");
  r.describe("zohosync_journal_entries", Type::gauge, "Entries in the journal");
  r.describe("zohosync_outbox_pending", Type::gauge, "Planned writes not yet confirmed");
  r.describe("zohosync_outbox_pending_writes", Type::gauge,
             "Planned writes not yet confirmed, by target collection and kind");
  r.describe("zohosync_people", Type::gauge, "People known to the state store");
  r.describe("zohosync_links", Type::gauge, "Records linked to a person");
  r.describe("zohosync_ready", Type::gauge, "1 once a first cycle succeeded");
  r.describe("zohosync_build_info", Type::gauge,
             "Always 1; the version, commit and build type of the running zohosync");
  r.set("zohosync_build_info",
        {{"version", version()}, {"commit", commit()}, {"build_type", build_type()}}, 1);
  const auto& bounds = connectors::LatencyHistogram::kBounds;
  r.describe_histogram("zohosync_api_request_duration_seconds",
                       "Time from sending a request to its whole answer (or its failure), by "
                       "product",
                       std::vector<double>(bounds.begin(), bounds.end()));
}

// Samples the API clients and the state store's table sizes at scrape time.
void add_collectors(metrics::Registry& registry, ConnectorSet& set, state::Store& store) {
  registry.add_collector([&set](metrics::Registry& r) {
    const connectors::Product products[] = {connectors::Product::inventory,
                                            connectors::Product::projects, connectors::Product::crm,
                                            connectors::Product::contracts};
    for (auto product : products) {
      connectors::ApiClient* api = set.api(product);
      if (api == nullptr)
        continue;
      const metrics::Labels labels = {{"product", connectors::to_string(product)}};
      r.set("zohosync_api_requests_total", labels, static_cast<double>(api->requests_sent()));
      r.set("zohosync_api_retries_total", labels, static_cast<double>(api->retries()));
      r.set("zohosync_api_throttled_total", labels, static_cast<double>(api->throttled()));
      r.set("zohosync_api_transport_errors_total", labels,
            static_cast<double>(api->transport_failures()));
      double until = 0;
      if (connectors::RequestLedger* ledger = set.ledger()) {
        try {
          if (auto end = ledger->blocked_until(product, std::chrono::system_clock::now()))
            until = static_cast<double>(
                std::chrono::duration_cast<std::chrono::seconds>(end->time_since_epoch()).count());
        } catch (const std::system_error&) {
          // Unreadable: the client has said so in the log; the scrape goes on.
        }
      }
      r.set("zohosync_api_throttled_until_seconds", labels, until);
      const connectors::LatencyHistogram& latency = api->latency();
      r.set_histogram("zohosync_api_request_duration_seconds", labels,
                      {std::vector<std::uint64_t>(latency.counts().begin(), latency.counts().end()),
                       latency.sum(), latency.count()});
      for (const auto& [status, count] : api->responses_by_status()) {
        r.set("zohosync_api_responses_total",
              {{"product", connectors::to_string(product)}, {"status", std::to_string(status)}},
              static_cast<double>(count));
      }
      if (connectors::CreditBudget* budget = api->credit_budget()) {
        r.set("zohosync_crm_credits_used", {}, static_cast<double>(budget->used()));
        r.set(
            "zohosync_crm_credits_left", {},
            static_cast<double>(std::max<std::int64_t>(0, budget->write_limit() - budget->used())));
      }
    }
  });
  registry.add_collector([&store](metrics::Registry& r) {
    const state::StatusReport status = state::read_status(store);
    auto count = [&](const char* db) {
      auto it = status.entries_per_db.find(db);
      return it == status.entries_per_db.end() ? 0.0 : static_cast<double>(it->second);
    };
    r.set("zohosync_conflicts_open", {}, count("conflicts"));
    r.set("zohosync_journal_entries", {}, count("journal"));
    r.set("zohosync_outbox_pending", {}, count("outbox"));
    for (const mapping::CollectionSpec& spec : mapping::builtin_collections()) {
      const std::string_view collection = spec.id;
      state::OutboxCounts n;
      if (auto it = status.pending.find(std::string(collection)); it != status.pending.end())
        n = it->second;
      const std::string c(collection);
      r.set("zohosync_outbox_pending_writes", {{"collection", c}, {"kind", "create"}},
            static_cast<double>(n.creates));
      r.set("zohosync_outbox_pending_writes", {{"collection", c}, {"kind", "update"}},
            static_cast<double>(n.updates));
      r.set("zohosync_outbox_pending_writes", {{"collection", c}, {"kind", "delete"}},
            static_cast<double>(n.deletes));
    }
    r.set("zohosync_people", {}, count("people"));
    r.set("zohosync_links", {}, count("links"));
  });
}

std::string status_line(const Scheduler& scheduler, const CycleOutcome& last) {
  std::size_t synced = 0;
  const auto health = scheduler.health();
  for (const auto& h : health)
    synced += h.last_success_ms > 0 ? 1 : 0;
  return fmt::format("{}/{} collections synced; last cycle {} {} in {} ms, {} writes", synced,
                     health.size(), last.collection, last.ok ? "ok" : "failed",
                     last.duration.count(), last.report.total(&CollectionCounts::confirmed));
}

}  // namespace

int run_daemon(const GlobalOptions& global) {
  LoadedConfig loaded = load_config(global, config::SecretCheck::require);
  if (!loaded.config)
    return loaded.exit_code;
  config::Config config = std::move(*loaded.config);
  // A service's log goes to a pipe (journald) or a file: every line now, not
  // when a buffer fills.
  spdlog::default_logger()->flush_on(spdlog::level::trace);
  const std::string state_dir = config.service.state_dir;

  // Held until the daemon exits: a second daemon on this state dir refuses,
  // before it touches the state (taken once the store has made the dir,
  // when it is new).
  std::optional<InstanceLock> instance;
  auto take_instance = [&]() -> std::optional<int> {
    try {
      auto acquired = InstanceLock::acquire(state_dir);
      if (const pid_t* holder = std::get_if<pid_t>(&acquired)) {
        spdlog::error(
            "another zohosync daemon{} is running on state dir {}; two would together send "
            "up to twice each product's request budget. Stop it first (a one-shot `zohosync "
            "reconcile` beside it is fine)",
            *holder > 0 ? fmt::format(" (PID {})", *holder) : std::string(), state_dir);
        return exit_code::kTempFail;
      }
      instance.emplace(std::move(std::get<InstanceLock>(acquired)));
    } catch (const std::system_error& e) {
      spdlog::error("state dir {}: {}", state_dir, e.what());
      return exit_code::kIoError;
    }
    return std::nullopt;
  };
  // Only in a dir of our own: the store refuses another user's without
  // writing into it, and so must this.
  struct stat dir_stat {};
  if (::stat(state_dir.c_str(), &dir_stat) == 0 && S_ISDIR(dir_stat.st_mode) &&
      dir_stat.st_uid == ::geteuid()) {
    if (auto refused = take_instance())
      return *refused;
  }

  std::optional<state::Store> store;
  try {
    state::OpenOptions open_options;
    open_options.reinitialize = global.reinitialize;
    store.emplace(state::Store::open(state_dir, open_options));
  } catch (const state::Error& e) {
    return report_state_error(state_dir, e);
  }
  if (!instance) {
    if (auto refused = take_instance())
      return *refused;
  }

  try {
    asio::io_context io;
    ConnectorSet connectors(io.get_executor(), config, state_dir, spdlog::default_logger(),
                            TokenCache::read_write, ListingMode::sliced);
    metrics::Registry registry;
    describe_runtime_metrics(registry);
    // A write to Projects or Contracts (read in slices) waits in the outbox
    // while its budget has nothing to spare, rather than hold back the other
    // products.
    auto scheduler_options_for = [&connectors](const config::Config& c) {
      SchedulerOptions options = scheduler_options(c);
      options.write_budget = &connectors.write_budget();
      return options;
    };
    Scheduler scheduler(io.get_executor(), *store, connectors.connectors(),
                        to_sync_settings(config), scheduler_options_for(config), registry);
    add_collectors(registry, connectors, *store);

    // CRM contact roles follow the designations in use.
    std::optional<ContactRolesStep> roles;
    if (connectors.contact_roles() != nullptr)
      roles.emplace(*connectors.contact_roles(), *store);
    auto sync_contact_roles = [&] {
      if (roles->in_flight())
        return;
      asio::co_spawn(io, roles->sync(config.crm.contact_roles.delete_unused),
                     [](std::exception_ptr error, const std::string&) {
                       if (error)
                         std::rethrow_exception(error);
                     });
    };

    Notifier notifier;
    bool ready = false;
    scheduler.set_on_cycle([&](const CycleOutcome& outcome) {
      // The first successful cycle proves the credentials and one product work.
      if (outcome.ok && !ready) {
        ready = true;
        registry.set("zohosync_ready", {}, 1);
        notifier.ready();
        spdlog::info("ready: first successful cycle ({})", outcome.collection);
      }
      notifier.status(status_line(scheduler, outcome));
      if (outcome.ok && roles)
        sync_contact_roles();
    });

    // /metrics, /healthz, /status and its page at /.
    std::unique_ptr<AdminListener> listener;
    int max_missed = config.service.health_max_missed_polls;
    if (!config.service.metrics_listen.empty()) {
      listener = std::make_unique<AdminListener>(
          io.get_executor(), config.service.metrics_listen,
          [&](std::string_view path) -> AdminResponse {
            if (path == "/metrics")
              return {200, "text/plain; version=0.0.4; charset=utf-8", registry.render()};
            if (path == "/healthz") {
              auto verdict =
                  judge_health(scheduler.health(), max_missed, scheduler.started_ms(), now_ms());
              return {verdict.healthy ? 200u : 503u, "text/plain; charset=utf-8",
                      std::move(verdict.reason)};
            }
            if (path == "/status" || path == "/") {
              try {
                const state::StatusReport report = state::read_status(*store);
                const boost::json::object doc =
                    status_document(state_dir, &report, &config, /*daemon_running=*/true, now_ms());
                if (path == "/status")
                  return {200, "application/json", boost::json::serialize(doc) + "\n"};
                return {200, "text/html; charset=utf-8", render_status_page(doc)};
              } catch (const std::exception& e) {
                return {500, "text/plain; charset=utf-8",
                        std::string("cannot read the state: ") + e.what() + "\n"};
              }
            }
            return {404, "text/plain; charset=utf-8", "try /, /status, /metrics or /healthz\n"};
          });
      listener->start();
      spdlog::info("metrics and health on http://{}/", listener->local_address());
    }

    // Watchdog: pinged at half the interval while cycles progress; a cycle
    // stuck past twice its timeout stops the pings and systemd restarts us.
    asio::steady_timer watchdog_timer(io);
    std::function<void()> arm_watchdog;
    if (auto interval = notifier.watchdog_interval()) {
      const auto half = std::chrono::duration_cast<Millis>(*interval / 2);
      arm_watchdog = [&, half] {
        watchdog_timer.expires_after(half);
        watchdog_timer.async_wait([&](boost::system::error_code ec) {
          if (ec)
            return;
          if (scheduler.progressing())
            notifier.watchdog();
          else
            spdlog::error("a cycle is stuck: withholding the watchdog ping");
          arm_watchdog();
        });
      };
      notifier.watchdog();
      arm_watchdog();
    }

    asio::steady_timer hard_stop(io);
    std::optional<SignalHandler> signals;
    auto finish = [&] {
      if (listener)
        listener->stop();
      watchdog_timer.cancel();
      hard_stop.cancel();
      if (signals)
        signals->cancel();
      io.stop();
    };
    SignalActions actions;
    actions.reload = [&] {
      if (ready)
        notifier.reloading();
      LoadedConfig next = load_config(global, config::SecretCheck::require);
      if (!next.config) {
        spdlog::error("reload failed: the configuration has errors; keeping the running one");
      } else {
        for (const auto& key : config::non_reloadable_changes(config, *next.config))
          spdlog::warn("{} changed: takes effect after a restart", key);
        config::keep_running_include_rules(config, *next.config);
        scheduler.reload(scheduler_options_for(*next.config), to_sync_settings(*next.config));
        max_missed = next.config->service.health_max_missed_polls;
        spdlog::default_logger()->flush_on(spdlog::level::trace);
        spdlog::info("configuration reloaded");
        config = std::move(*next.config);
      }
      if (ready)
        notifier.ready();
    };
    actions.stop = [&] {
      notifier.stopping();
      notifier.status("stopping");
      scheduler.stop(config.service.shutdown_timeout, finish);
      hard_stop.expires_after(config.service.shutdown_timeout + kHardStopMargin);
      hard_stop.async_wait([&](boost::system::error_code ec) {
        if (ec)
          return;
        spdlog::warn("the in-flight cycle did not end after cancellation; stopping anyway");
        finish();
      });
    };
    actions.stop_now = finish;
    signals.emplace(io.get_executor(), actions);

    spdlog::info("zohosync daemon started: {} collections, state dir {}", scheduler.health().size(),
                 state_dir);
    notifier.status("starting: first poll of every collection");
    scheduler.start();
    io.run();
    spdlog::info("zohosync daemon stopped");
  } catch (...) {
    return exit_code_for_failure("daemon", state_dir);
  }
  return exit_code::kOk;
}

}  // namespace zohosync::daemon
