// `zohosync reconcile`: one full cycle over every active collection, then
// exit. A dry run plans in a transaction that is rolled back, sends nothing,
// and leaves the state dir exactly as it was (no cursor, no token cache, no
// lock file; a missing state dir is planned against a throwaway one).
#include <stdlib.h>
#include <unistd.h>

#include <spdlog/spdlog.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <set>

#include "common/email_address.hpp"
#include "connectors/crm/contact_role_sync.hpp"
#include "connectors/limits/api_client.hpp"
#include "daemon/commands.hpp"
#include "daemon/config_loading.hpp"
#include "daemon/connector_set.hpp"
#include "daemon/contact_roles_step.hpp"
#include "daemon/engine/collection_outcome.hpp"
#include "daemon/engine/engine.hpp"
#include "daemon/exit_codes.hpp"
#include "daemon/failure_exit.hpp"
#include "daemon/progress_bar.hpp"
#include "daemon/report_output.hpp"
#include "daemon/state_errors.hpp"
#include "daemon/sync_settings.hpp"
#include "mapping/normalize.hpp"
#include "state/collection_health.hpp"
#include "state/errors.hpp"
#include "state/journal.hpp"
#include "state/store.hpp"
#include "state/tables.hpp"

namespace zohosync::daemon {

namespace {

namespace fs = std::filesystem;

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool has_store(const fs::path& dir) {
  std::error_code ec;
  return fs::exists(dir / "data.mdb", ec);
}

// A throwaway state dir for a dry run against a state dir that does not exist
// yet: planning needs a store, and the real one must not be created.
class ScratchDir {
 public:
  ScratchDir() {
    std::string pattern = (fs::temp_directory_path() / "zohosync-dry-run-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr)
      throw std::system_error(errno, std::generic_category(), "cannot create a scratch dir");
    path_ = pattern;
  }
  ~ScratchDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// After a real run: journal retention, and each collection's outcome for
// `status` (the daemon's next poll of it, if one runs, is left as it was).
void store_after_run(state::Store& store, const config::SyncConfig& sync, std::int64_t now,
                     const CycleReport& report, const std::vector<connectors::Connector*>& read) {
  auto txn = store.begin_write();
  state::Journal::prune(txn, store, static_cast<std::size_t>(sync.journal_max_entries),
                        sync.journal_max_age.count(), now);
  // When the run ended, not when it began: a first sync takes minutes.
  const std::int64_t ended_ms = now_ms();
  for (const connectors::Connector* connector : read) {
    const std::string collection(connector->collection());
    state::record_cycle_outcome(txn, store, collection, ended_ms,
                                collection_failure(report, collection));
  }
  std::move(txn).commit();
}

// "projects.contacts 120 of 2000 clients read" for each listing over parents
// under way, and "projects waits for its request budget until 07:52:10" for
// each product whose requests wait for its budget now: a paced listing that
// takes minutes shows how far it has got, and why it is slow.
std::string progress_note(const ConnectorSet& set) {
  std::string note;
  for (const connectors::Connector* conn : set.connectors()) {
    const auto pass = conn->listing_progress();
    if (!pass || pass->parents_total == 0 || pass->parents_read >= pass->parents_total)
      continue;
    note += std::string(note.empty() ? "" : "; ") + std::string(conn->collection()) + " " +
            std::to_string(pass->parents_read) + " of " + std::to_string(pass->parents_total) +
            " " + pass->parents_noun + " read";
  }
  for (auto product : {connectors::Product::inventory, connectors::Product::projects,
                       connectors::Product::crm, connectors::Product::contracts}) {
    const connectors::ApiClient* api = set.api(product);
    if (api == nullptr)
      continue;
    // A wait of a second or two is ordinary pacing, not worth a word.
    const auto until = api->budget_wait_until();
    if (!until || *until - std::chrono::system_clock::now() < std::chrono::seconds(2))
      continue;
    const std::time_t t = std::chrono::system_clock::to_time_t(*until);
    std::tm local{};
    ::localtime_r(&t, &local);
    char clock[16];
    std::strftime(clock, sizeof clock, "%H:%M:%S", &local);
    note += std::string(note.empty() ? "" : "; ") + std::string(connectors::to_string(product)) +
            " waits for its request budget until " + clock;
  }
  return note;
}

int exit_code_for(const CycleReport& report) {
  // A configuration fault (refused credentials, a missing scope, a wrong
  // organization id) needs the admin, whatever else went well.
  for (const Failure& f : report.failures) {
    if (f.error_class == connectors::ErrorClass::configuration)
      return exit_code::kConfig;
  }
  // A product that could not be reached at all: EX_UNAVAILABLE, so that a
  // timer's or a script's caller tells an outage from records that failed.
  if (report.fatal || !unreachable_products(report).empty())
    return exit_code::kUnavailable;
  if (problems(report) > 0 || !report.unknown_collections.empty())
    return exit_code::kFailures;
  return exit_code::kOk;
}

}  // namespace

int run_reconcile(const GlobalOptions& global, const ReconcileOptions& options) {
  LoadedConfig loaded = load_config(global, config::SecretCheck::require);
  if (!loaded.config)
    return loaded.exit_code;
  const config::Config& config = *loaded.config;
  const fs::path state_dir = config.service.state_dir;
  auto logger = spdlog::default_logger();

  try {
    std::optional<ScratchDir> scratch;
    fs::path store_dir = state_dir;
    if (options.dry_run && !has_store(state_dir)) {
      scratch.emplace();
      store_dir = scratch->path() / "state";
    }
    state::OpenOptions open_options;
    open_options.reinitialize = global.reinitialize;
    auto store = state::Store::open(store_dir.string(), open_options);

    boost::asio::io_context io;
    ConnectorSet connectors(io.get_executor(), config, state_dir, logger,
                            options.dry_run ? TokenCache::read_only : TokenCache::read_write);
    mapping::SyncSettings settings = to_sync_settings(config);
    settings.force_delete = options.force_delete;
    Engine engine(store, settings, connectors.connectors());

    ProgressBar progress(!options.json && ProgressBar::stderr_is_terminal());
    CycleOptions cycle;
    cycle.now_ms = now_ms();
    cycle.dry_run = options.dry_run;
    cycle.keep_actions = options.json || options.dry_run;
    cycle.progress = [&](CyclePhase phase, std::size_t done, std::size_t total) {
      progress.update(phase == CyclePhase::listing ? "listing" : "writing", done, total);
    };

    CycleReport report;
    std::exception_ptr error;
    std::string role_problem;
    std::optional<ContactRolesStep> roles;
    if (!options.dry_run && connectors.contact_roles() != nullptr)
      roles.emplace(*connectors.contact_roles(), store);
    bool cycle_done = false;
    boost::asio::steady_timer ticker(io);
    boost::asio::co_spawn(
        io,
        [&]() -> boost::asio::awaitable<void> {
          report = co_await engine.run_cycle(cycle);
          if (roles && !report.fatal)
            role_problem = co_await roles->sync(config.crm.contact_roles.delete_unused);
        },
        [&](std::exception_ptr e) {
          error = e;
          cycle_done = true;
          ticker.cancel();
        });
    if (progress.enabled()) {
      // Once a second: which product waits for its budget, and until when.
      boost::asio::co_spawn(
          io,
          [&]() -> boost::asio::awaitable<void> {
            while (!cycle_done) {
              progress.set_note(progress_note(connectors));
              ticker.expires_after(std::chrono::seconds(1));
              boost::system::error_code ec;
              co_await ticker.async_wait(
                  boost::asio::redirect_error(boost::asio::use_awaitable, ec));
            }
          },
          [](std::exception_ptr) {});
    }

    io.run();
    progress.finish();
    if (error)
      std::rethrow_exception(error);
    if (!options.dry_run)
      store_after_run(store, config.sync, cycle.now_ms, report, connectors.connectors());

    if (options.json) {
      boost::json::value doc = report_to_json(report);
      if (!role_problem.empty())
        doc.as_object()["contact_roles_error"] = role_problem;
      std::printf("%s\n", boost::json::serialize(doc).c_str());
    } else {
      std::printf("%s%s\n", options.dry_run ? "Dry run: nothing was written. Planned:\n" : "",
                  format_report_table(report).c_str());
      if (options.dry_run) {
        // The first writes in full; --json has every action with its reason.
        constexpr std::size_t kShown = 12;
        std::size_t writes = 0;
        for (const mapping::Action& a : report.actions) {
          if (!mapping::is_write(a.kind) || ++writes > kShown)
            continue;
          const std::string email(common::displayed_email(a.person_email));
          std::printf("  %-8s %-31s %-30s %s\n", std::string(mapping::to_string(a.kind)).c_str(),
                      a.collection.c_str(), email.c_str(), a.reason.c_str());
        }
        if (writes > kShown)
          std::printf("  ... and %zu more planned writes (--json lists every action)\n",
                      writes - kShown);
      }
      if (!role_problem.empty())
        std::printf("CRM contact roles not updated: %s\n", role_problem.c_str());
      std::fputs(format_problems_line(report).c_str(), stdout);
    }
    return exit_code_for(report);
  } catch (...) {
    return exit_code_for_failure("reconcile", state_dir.string());
  }
}

}  // namespace zohosync::daemon
