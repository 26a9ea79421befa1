#pragma once

#include <optional>
#include <string>

namespace zohosync::daemon {

// Options every subcommand accepts (before or after the subcommand name).
struct GlobalOptions {
  std::string config_path = "/etc/zohosync/zohosync.toml";
  std::optional<std::string> state_dir;  // overrides service.state_dir
  std::optional<std::string> base_url;   // overrides zoho.base_url (single origin)
  std::optional<std::string> log_level;  // overrides service.log_level
  // daemon, reconcile: start from an empty state where a state dir in use
  // has lost its data.mdb (otherwise refused).
  bool reinitialize = false;
};

struct CheckConfigOptions {
  bool online = false;  // also ask Zoho: token, scopes, one read per collection
};

struct StatusOptions {
  bool json = false;
};

struct JournalOptions {
  std::optional<std::string> since;   // a sequence number or an ISO 8601 time
  std::optional<std::string> person;  // an email address
  bool json = false;
  std::size_t limit = 0;  // 0 = all
};

struct ReconcileOptions {
  bool dry_run = false;
  bool json = false;
  bool force_delete = false;  // override the mass-delete guard for this run
};

struct AuthOptions {
  std::optional<std::string> code;             // else read from the terminal or stdin
  std::optional<std::string> credentials_dir;  // write both secrets there
  bool scopes_only = false;                    // print the scopes and the server, exchange nothing
};

struct ConflictsOptions {
  enum class Action { list, show, resolve };
  Action action = Action::list;
  std::string id;    // "PERSON:FIELD"
  std::string take;  // resolve: the collection whose value wins
  // show/resolve: the collection of the record the conflict is held on, when
  // the person has conflicts on that field in several (empty: any).
  std::string collection;
  bool json = false;  // list: one JSON document instead of the table
};

// Each returns the process exit code (see exit_codes.hpp) and never throws.
int run_check_config(const GlobalOptions& global, const CheckConfigOptions& options);
int run_status(const GlobalOptions& global, const StatusOptions& options);
int run_journal(const GlobalOptions& global, const JournalOptions& options);
int run_reconcile(const GlobalOptions& global, const ReconcileOptions& options);
int run_daemon(const GlobalOptions& global);
int run_conflicts(const GlobalOptions& global, const ConflictsOptions& options);
int run_auth(const GlobalOptions& global, const AuthOptions& options);

}  // namespace zohosync::daemon
