#include "daemon/cli.hpp"

#include <sys/prctl.h>

#include <CLI/CLI.hpp>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>

#include "daemon/build_info.hpp"
#include "daemon/commands.hpp"
#include "daemon/exit_codes.hpp"
#include "daemon/logging.hpp"

namespace zohosync::daemon {
namespace {

void add_global_options(CLI::App& app, GlobalOptions& global) {
  app.add_option("--config", global.config_path, "Configuration file")->capture_default_str();
  app.add_option("--state-dir", global.state_dir,
                 "State directory (overrides service.state_dir in the config)");
  app.add_option("--base-url", global.base_url,
                 "One origin for all four products and the accounts server (overrides "
                 "zoho.base_url; http:// only for loopback hosts)");
  app.add_option("--log-level", global.log_level, "trace, debug, info, warn or error")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error"}));
}

// What a command printed must have reached its destination: `zohosync
// reconcile --json > /dev/full` (or a full disk) is a failed run, not a
// silent success. Flushed and checked once, at exit. (A closed pipe keeps
// its default: SIGPIPE ends the process quietly, as `zohosync journal |
// head` expects.)
int checked_output(int code) {
  errno = 0;
  if (std::fflush(stdout) == 0 && std::ferror(stdout) == 0)
    return code;
  const int error = errno;
  std::fprintf(stderr, "zohosync: cannot write the output: %s\n",
               error != 0 ? std::strerror(error) : "write error");
  // A run that failed for its own reason keeps that reason's code.
  return code == exit_code::kOk || code == exit_code::kFailures ? exit_code::kIoError : code;
}

}  // namespace

int run_cli(int argc, char** argv) {
  // The configuration's secrets (client secret, refresh token) and the
  // access tokens live in this process's memory: no core dump may carry
  // them to disk, whoever's core_pattern it would be written by. Done
  // first, before anything is read. (Also keeps other processes of the same
  // user from ptrace-attaching and reading /proc/PID/mem.)
  if (::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
    std::fprintf(stderr, "zohosync: warning: cannot mark the process non-dumpable: %s\n",
                 std::strerror(errno));
  CLI::App app{"zohosync keeps people in step across Zoho Inventory, Projects, CRM and Contracts."};
  app.set_version_flag("--version", version_line());
  app.require_subcommand(1);
  // Global options may also follow the subcommand: `zohosync status --state-dir X`.
  app.fallthrough();

  GlobalOptions global;
  add_global_options(app, global);

  auto* daemon_cmd =
      app.add_subcommand("daemon", "Run as a service: poll every collection and sync");
  constexpr const char* kReinitialize =
      "Start from an empty state although the state dir was in use and has lost its data.mdb "
      "(every record is re-linked by email; the journal and open conflicts are gone)";
  daemon_cmd->add_flag("--reinitialize", global.reinitialize, kReinitialize);
  ReconcileOptions reconcile_options;
  auto* reconcile_cmd =
      app.add_subcommand("reconcile", "Run one full sync cycle over every collection, then exit");
  reconcile_cmd->add_flag("--dry-run", reconcile_options.dry_run,
                          "Plan and print, write nothing (the state dir stays as it was)");
  reconcile_cmd->add_flag("--json", reconcile_options.json,
                          "Print one JSON document (\"schema\": 1) with every action and its "
                          "reason");
  reconcile_cmd->add_flag("--force-delete", reconcile_options.force_delete,
                          "Override the mass-delete guard for this run");
  reconcile_cmd->add_flag("--reinitialize", global.reinitialize, kReinitialize);

  CheckConfigOptions check_options;
  auto* check_cmd = app.add_subcommand("check-config",
                                       "Validate the configuration file and report every problem");
  check_cmd->add_flag("--online", check_options.online,
                      "Also refresh a token, check the granted scopes and make one read per "
                      "enabled collection (writes nothing)");

  AuthOptions auth_options;
  auto* auth_cmd = app.add_subcommand(
      "auth", "Get a refresh token from a Self Client grant code (prints the scopes to grant)");
  auth_cmd->add_option("--code", auth_options.code,
                       "The grant code (else asked for without echo, or read from stdin)");
  auth_cmd->add_option("--credentials-dir", auth_options.credentials_dir,
                       "Write client_secret and refresh_token into this directory (for "
                       "LoadCredential=) instead of the files the config names");
  auth_cmd->add_flag("--scopes", auth_options.scopes_only,
                     "Only print the scopes to grant and the accounts server");

  StatusOptions status_options;
  auto* status_cmd =
      app.add_subcommand("status", "Show per-collection sync state (safe while the daemon runs)");
  status_cmd->add_flag("--json", status_options.json, "Print one JSON document");

  JournalOptions journal_options;
  auto* journal_cmd = app.add_subcommand("journal", "Show the journal of applied changes");
  journal_cmd->add_option("--since", journal_options.since,
                          "Start after this sequence number, or at this time: "
                          "2026-11-24T09:30:00+05:00, 2026-11-24 09:30 (UTC unless a zone "
                          "is given), 2026-11-24, -30m, -1h, -2d, 1h ago, today or yesterday "
                          "(midnight UTC)");
  journal_cmd->add_option("--person", journal_options.person, "Only changes to this email");
  journal_cmd->add_option("--limit", journal_options.limit, "Show at most this many entries");
  journal_cmd->add_flag("--json", journal_options.json,
                        "Print one JSON object per line, each with \"schema\": 1");

  ConflictsOptions conflicts_options;
  auto* conflicts_cmd = app.add_subcommand("conflicts", "List, show or resolve held conflicts");
  auto* list = conflicts_cmd->add_subcommand("list", "List open conflicts (the default)");
  list->add_flag("--json", conflicts_options.json,
                 "Print one JSON document {\"schema\":1,\"conflicts\":[...]}");
  auto* show = conflicts_cmd->add_subcommand("show", "Show one conflict");
  show->add_option("id", conflicts_options.id, "PERSON:FIELD, as listed")->required();
  show->add_option("--collection", conflicts_options.collection,
                   "Only the conflict held in this collection");
  auto* resolve = conflicts_cmd->add_subcommand("resolve", "Resolve a conflict");
  resolve->add_option("id", conflicts_options.id, "PERSON:FIELD, as listed")->required();
  resolve->add_option("--take", conflicts_options.take, "The collection whose value wins")
      ->required();
  resolve->add_option("--collection", conflicts_options.collection,
                      "The collection the conflict is held in, when the id names several");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version are "errors" to CLI11 that exit 0.
    return app.exit(e) == 0 ? exit_code::kOk : exit_code::kUsage;
  }

  auto run_command = [&]() -> int {
    try {
      if (global.log_level) {
        logging::init(logging::effective_format(logging::Format::text),
                      *logging::parse_level(*global.log_level));
      }
      if (check_cmd->parsed())
        return run_check_config(global, check_options);
      if (auth_cmd->parsed())
        return run_auth(global, auth_options);
      if (status_cmd->parsed())
        return run_status(global, status_options);
      if (journal_cmd->parsed())
        return run_journal(global, journal_options);
      if (daemon_cmd->parsed())
        return run_daemon(global);
      if (reconcile_cmd->parsed())
        return run_reconcile(global, reconcile_options);
      if (conflicts_cmd->parsed()) {
        conflicts_options.action = show->parsed()      ? ConflictsOptions::Action::show
                                   : resolve->parsed() ? ConflictsOptions::Action::resolve
                                                       : ConflictsOptions::Action::list;
        return run_conflicts(global, conflicts_options);
      }
    } catch (const std::exception& e) {
      std::fprintf(stderr, "zohosync: internal error: %s\n", e.what());
      return exit_code::kSoftware;
    }
    return exit_code::kUsage;
  };
  return checked_output(run_command());
}

}  // namespace zohosync::daemon
