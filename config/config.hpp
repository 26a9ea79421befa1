#pragma once

// The zohosync configuration: plain structs filled from one TOML file by
// load_file()/load_string(). Loading never throws for user errors; it returns
// every problem at once as diagnostics with file:line:column and key path.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/sync_policy.hpp"
#include "config/schema.hpp"
#include "config/secret.hpp"

namespace zohosync::config {

using Duration = std::chrono::milliseconds;

enum class Severity { warning, error };

struct Diagnostic {
  Severity severity = Severity::error;
  std::string file;      // the config file, or "--base-url" / "--state-dir" for overrides
  int line = 0;          // 1-based; 0 = unknown
  int column = 0;        // 1-based; 0 = unknown
  std::string key_path;  // e.g. "collections.crm.contacts.poll_interval"; may be empty
  std::string message;
  // "FILE:LINE:COLUMN: error: KEY: MESSAGE" (":LINE:COLUMN" omitted when unknown).
  std::string to_string() const;
};

enum class Product { inventory, projects, crm, contracts };
std::string_view to_string(Product product);

// The sync policies and their config words are common's, shared with mapping.
// Direction is that of one canonical field between the canonical person and a
// collection.
using common::ConflictPolicy;
using common::DeletePolicy;
using common::Direction;
using common::to_string;

struct ServiceConfig {
  std::string state_dir = "/var/lib/zohosync";
  std::string log_level = "info";   // trace | debug | info | warn | error
  std::string log_format = "text";  // text | json
  std::string metrics_listen;       // "127.0.0.1:9464"; empty = no listener
  int health_max_missed_polls = 3;  // /healthz fails after this many poll intervals without sync
  Duration shutdown_timeout = std::chrono::seconds(20);
};

struct ZohoConfig {
  std::string data_centre = "com";  // com eu in com.au jp ca sa com.cn
  std::string base_url;  // one origin for every product and accounts; empty = data-centre hosts
};

struct OAuthConfig {
  std::string client_id;
  // Resolved accounts server (override > zoho.base_url > data centre), no trailing slash.
  std::string accounts_url;
  std::string client_secret_file;
  std::string refresh_token_file;
  bool allow_inline_secrets = false;
  // Resolved secrets; empty when not found (a warning under SecretCheck::warn_if_missing).
  Secret client_secret;
  Secret refresh_token;
  // Where each secret came from, for logs: "file /etc/...", "credential client_secret",
  // "environment ZOHOSYNC_CLIENT_SECRET", "inline", or "" when missing. Never the value.
  std::string client_secret_source;
  std::string refresh_token_source;

  std::string token_url() const { return accounts_url + "/oauth/v2/token"; }
};

// At most `requests` requests within any `window`, and `concurrency` in flight at once.
struct RateLimit {
  int requests = 100;
  Duration window = std::chrono::minutes(1);
  int concurrency = 5;
};

struct HttpConfig {
  Duration timeout = std::chrono::seconds(30);  // per request
  int retries = 4;                              // after the first attempt
  std::int64_t max_response_bytes = 32 * 1024 * 1024;
  std::string ca_file;  // extra CA bundle on top of the system store; "" = system store only
  RateLimit inventory{100, std::chrono::minutes(1), 5};
  RateLimit projects{100, std::chrono::minutes(2), 5};
  RateLimit crm{100, std::chrono::minutes(1), 5};
  RateLimit contracts{60, std::chrono::minutes(1), 5};

  const RateLimit& limit(Product product) const;
};

// Every `api_url` below is RESOLVED (per-product override > zoho.base_url >
// data-centre default), has no trailing slash, and is the prefix the
// product's documented paths are appended to:
//   inventory  https://www.zohoapis.com/inventory/v1   + /contacts, /users, ...
//   projects   https://projectsapi.zoho.com            + /api/v3/portal/...
//   crm        https://www.zohoapis.com                + /crm/v8/Contacts
//   contracts  https://contracts.zoho.com              + /api/v1/counterparties
// `api_url_is_default` is true when neither a per-product api_url nor
// zoho.base_url set it: only then may the api_domain of a token answer replace
// the host (Zoho's multi-DC rule).
struct InventoryConfig {
  bool enabled = false;
  std::string organization_id;
  std::string api_url;
  bool api_url_is_default = true;
};

struct ProjectsConfig {
  bool enabled = false;
  std::string portal_id;
  std::string api_url;
  bool api_url_is_default = true;
};

struct ContactRolesConfig {
  bool sync = false;           // keep the CRM contact-role picklist in step with designations
  bool delete_unused = false;  // also delete roles no linked person uses
};

struct CrmConfig {
  bool enabled = false;
  std::string api_url;
  bool api_url_is_default = true;
  std::int64_t daily_credits = 5000;  // the edition's API credits per 24 h
  double write_budget_share = 0.8;    // stop writing once this share of the credits is spent
  Duration modified_overlap = std::chrono::minutes(2);  // If-Modified-Since = cursor - overlap
  ContactRolesConfig contact_roles;
};

struct ContractsConfig {
  bool enabled = false;
  std::string api_url;
  bool api_url_is_default = true;
  std::vector<std::string> counterparties;  // organizationApiName values; empty = all
};

struct CollectionConfig {
  std::string id;  // "crm.contacts", ...
  Product product = Product::crm;
  bool enabled = true;
  // enabled here AND the product is enabled: the collection is polled.
  bool active = false;
  Duration poll_interval = std::chrono::minutes(5);
  Duration poll_jitter = std::chrono::seconds(30);
  bool create = false;        // a create target for people first seen elsewhere
  bool allow_invite = false;  // inventory.users only: a create sends an invitation e-mail
  // The parent a create goes under (required when create = true):
  //   inventory.contact_persons: default_contact_id, projects.contacts: default_client_id,
  //   contracts.counterparty_contacts: default_counterparty; unused elsewhere.
  std::string default_parent;
  std::optional<DeletePolicy> on_delete;  // unset = sync.on_delete
  DeletePolicy effective_on_delete = DeletePolicy::unlink;
  Duration full_scan_interval = std::chrono::hours(24);  // inventory.contact_persons only
  int create_batch = 20;  // projects.contacts only: contacts per create request
  // Every canonical field this collection carries -> direction (all present).
  std::map<std::string, Direction, std::less<>> fields;
  // Canonical fields for which a blank value in this collection may clear the person's value.
  std::vector<std::string> blank_overwrite_fields;
  // Selective sync: rules on the product's own fields (common/include_rule.hpp),
  // every one of which a record must satisfy to take part. Empty: every record.
  std::vector<std::string> include;
};

struct SyncConfig {
  ConflictPolicy conflict_policy = ConflictPolicy::newest;
  std::vector<std::string> priority;  // collection ids, most trusted first
  DeletePolicy on_delete = DeletePolicy::unlink;
  double mass_delete_share = 0.2;  // refuse a plan deleting more than this share of a collection
  int mass_delete_min = 10;        // ... when it deletes at least this many records
  bool blank_overwrites = false;   // a blank may clear a value (all fields, all collections)
  int flip_limit = 4;              // a field flipping more often than this within flip_window
  Duration flip_window = std::chrono::hours(1);            // quarantines the person
  std::int64_t journal_max_entries = 1000000;              // 0 = no limit
  Duration journal_max_age = std::chrono::hours(24 * 90);  // 0 = no limit
};

struct Config {
  ServiceConfig service;
  ZohoConfig zoho;
  OAuthConfig oauth;
  HttpConfig http;
  InventoryConfig inventory;
  ProjectsConfig projects;
  CrmConfig crm;
  ContractsConfig contracts;
  SyncConfig sync;
  // All five collections, always present, keyed by id.
  std::map<std::string, CollectionConfig, std::less<>> collections;

  Config();  // defaults, with every collection present
  const CollectionConfig& collection(std::string_view id) const;  // throws std::out_of_range
  const std::string& api_url(Product product) const;
  bool product_enabled(Product product) const;
  // Whether a blank `field` observed in `collection_id` may clear the person's
  // value (sync.blank_overwrites, or listed in the collection's blank_overwrite_fields).
  bool blank_may_clear(std::string_view collection_id, std::string_view field) const;
  // Position of a collection in sync.priority (0 = most trusted); unlisted
  // collections rank after every listed one.
  std::size_t priority_rank(std::string_view collection_id) const;
};

// The canonical person fields, in display order.
const std::vector<std::string>& canonical_fields();
// The collection ids, in display order, and the canonical fields each carries.
const std::vector<std::string>& collection_ids();
const std::vector<std::string>& carried_fields(std::string_view collection_id);
// The native field names an include rule of the collection may test; nullptr
// when any field may be (CRM asks for the fields its rules name).
const std::vector<std::string>* rule_fields(std::string_view collection_id);

enum class SecretCheck {
  warn_if_missing,  // check-config
  require,          // daemon, reconcile
  optional          // auth, which is how they come to exist
};

struct LoadOptions {
  std::optional<std::string> state_dir;  // overrides service.state_dir (--state-dir)
  std::optional<std::string> base_url;   // overrides zoho.base_url (--base-url), validated the same
  SecretCheck secrets = SecretCheck::warn_if_missing;
};

struct LoadResult {
  // Set unless the file could not be read or parsed. With error diagnostics it
  // is only a best effort (options in error keep their defaults): use ok().
  std::optional<Config> config;
  std::vector<Diagnostic> diagnostics;
  bool ok() const;  // config set and no error diagnostics
};

LoadResult load_file(const std::string& path, const LoadOptions& options = {});
LoadResult load_string(std::string_view toml, const std::string& source_name,
                       const LoadOptions& options = {});

// Key paths whose values differ between two loaded configs and that SIGHUP
// cannot apply (they need a restart). Resolved URLs are compared, so a change
// of zoho.base_url shows as the product api_url keys it moved.
std::vector<std::string> non_reloadable_changes(const Config& before, const Config& after);
// A reload keeps the include rules that run (collections.<id>.include is
// restart-only): the connectors read the fields the running rules name, and
// new rules on fields they do not read would leave every record out.
void keep_running_include_rules(const Config& running, Config& next);

}  // namespace zohosync::config
