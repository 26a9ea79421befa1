// The option table. Each entry binds one key path to one member of Config;
// defaults are read back from a default-constructed Config, so the documented
// default cannot drift from the real one.
#include "config/options.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <type_traits>

#include "config/duration.hpp"
#include "config/option_builders.hpp"
#include "config/urls.hpp"

namespace zohosync::config::detail {
namespace {

using namespace std::chrono_literals;

void add_rate_limit(std::vector<OptionSpec>& specs, const std::string& product,
                    RateLimit HttpConfig::*member, const std::string& basis) {
  const std::string prefix = "http." + product + ".";
  specs.push_back(option(
      prefix + "requests", [member](Config & c) -> auto& { return (c.http.*member).requests; },
      false,
      "At most this many requests to " + product + " within any `window` (1 to 1000000). " + basis,
      int_between(1, 1'000'000)));
  specs.push_back(option(
      prefix + "window", [member](Config & c) -> auto& { return (c.http.*member).window; }, false,
      "The window the request limit counts in (1s to 1d).", duration_between(1s, 24h)));
  specs.push_back(option(
      prefix + "concurrency",
      [member](Config & c) -> auto& { return (c.http.*member).concurrency; }, false,
      "Requests to " + product + " in flight at once.", int_between(1, 64)));
}

std::vector<OptionSpec> build_specs() {
  std::vector<OptionSpec> s;

  // [service]
  s.push_back(option(
      "service.state_dir", [](Config & c) -> auto& { return c.service.state_dir; }, false,
      "Directory of the LMDB state (created 0700). --state-dir overrides it.", absolute_path()));
  s.push_back(option(
      "service.log_level", [](Config & c) -> auto& { return c.service.log_level; }, true,
      "Least severe log level written: trace, debug, info, warn, error. --log-level overrides "
      "it."));
  s.back().choices = {"trace", "debug", "info", "warn", "error"};
  s.push_back(option(
      "service.log_format", [](Config & c) -> auto& { return c.service.log_format; }, true,
      "Log line format on stderr: \"text\" or \"json\" (one JSON object per line)."));
  s.back().choices = {"text", "json"};
  s.push_back(option(
      "service.metrics_listen", [](Config & c) -> auto& { return c.service.metrics_listen; }, false,
      "Address of the /metrics and /healthz HTTP listener, e.g. \"127.0.0.1:9464\"; \"\" = off.",
      listen_address()));
  s.push_back(option(
      "service.health_max_missed_polls",
      [](Config & c) -> auto& { return c.service.health_max_missed_polls; }, true,
      "/healthz reports unhealthy once a collection has not synced for this many poll intervals "
      "(1 to 1000).",
      int_between(1, 1000)));
  s.push_back(option(
      "service.shutdown_timeout", [](Config & c) -> auto& { return c.service.shutdown_timeout; },
      true, "On SIGTERM, how long in-flight work may take before it is cancelled (1s to 1h).",
      duration_between(1s, 1h)));

  // [zoho]
  s.push_back(option(
      "zoho.data_centre", [](Config & c) -> auto& { return c.zoho.data_centre; }, false,
      "Zoho data centre of the organization: com, eu, in, com.au, jp, ca, sa, com.cn. Picks the "
      "default API and accounts hosts."));
  s.back().choices = data_centres();
  s.push_back(option(
      "zoho.base_url", [](Config & c) -> auto& { return c.zoho.base_url; }, false,
      "One origin for all four products and the accounts server (tests, sandbox), e.g. "
      "\"http://127.0.0.1:8080\"; \"\" = data-centre hosts. Per-product api_url and "
      "oauth.accounts_url win over it. --base-url overrides it. http:// only for loopback.",
      url_or_empty()));

  // [oauth]
  s.push_back(option(
      "oauth.client_id", [](Config & c) -> auto& { return c.oauth.client_id; }, false,
      "OAuth client id (Zoho API console). Required when any product is enabled."));
  s.push_back(option(
      "oauth.accounts_url", [](Config & c) -> auto& { return c.oauth.accounts_url; }, false,
      "Accounts (OAuth) server override; \"\" = zoho.base_url, else the data centre's "
      "accounts server.",
      url_or_empty()));
  s.back().info.default_value = "\"\" (https://accounts.zoho.com for data_centre = \"com\")";
  s.push_back(option(
      "oauth.client_secret_file", [](Config & c) -> auto& { return c.oauth.client_secret_file; },
      false,
      "File holding the client secret (mode 0600 or stricter). If absent: "
      "$CREDENTIALS_DIRECTORY/client_secret (systemd LoadCredential=), then "
      "$ZOHOSYNC_CLIENT_SECRET.",
      absolute_path_or_empty()));
  s.push_back(option(
      "oauth.refresh_token_file", [](Config & c) -> auto& { return c.oauth.refresh_token_file; },
      false,
      "File holding the refresh token (mode 0600 or stricter). If absent: "
      "$CREDENTIALS_DIRECTORY/refresh_token, then $ZOHOSYNC_REFRESH_TOKEN.",
      absolute_path_or_empty()));
  s.push_back(option(
      "oauth.allow_inline_secrets",
      [](Config & c) -> auto& { return c.oauth.allow_inline_secrets; }, false,
      "Accept client_secret / refresh_token written in this file. Only for throwaway "
      "credentials (sandbox); real secrets belong in files or credentials."));
  {
    OptionSpec secret_spec;
    secret_spec.kind = Kind::string;
    secret_spec.secret = true;
    secret_spec.info.reloadable = false;
    secret_spec.info.key_path = "oauth.client_secret";
    secret_spec.info.description =
        "Inline client secret; refused unless allow_inline_secrets = true.";
    secret_spec.set = [](Config& c, const Value& v) {
      c.oauth.client_secret = Secret(std::get<std::string>(v));
    };
    secret_spec.get = [](const Config& c) -> Value { return c.oauth.client_secret.reveal(); };
    s.push_back(secret_spec);
    secret_spec.info.key_path = "oauth.refresh_token";
    secret_spec.info.description =
        "Inline refresh token; refused unless allow_inline_secrets = true.";
    secret_spec.set = [](Config& c, const Value& v) {
      c.oauth.refresh_token = Secret(std::get<std::string>(v));
    };
    secret_spec.get = [](const Config& c) -> Value { return c.oauth.refresh_token.reveal(); };
    s.push_back(secret_spec);
  }

  // [http]
  s.push_back(option(
      "http.timeout", [](Config & c) -> auto& { return c.http.timeout; }, false,
      "Timeout of one HTTP request (connect, send, receive; 1s to 1h).", duration_between(1s, 1h)));
  s.push_back(option(
      "http.retries", [](Config & c) -> auto& { return c.http.retries; }, false,
      "Retries of a failed idempotent request (429, 5xx, timeouts) with exponential backoff "
      "and jitter.",
      int_between(0, 20)));
  s.push_back(option(
      "http.max_response_bytes", [](Config & c) -> auto& { return c.http.max_response_bytes; },
      false, "Largest response body accepted (after gzip decoding; 1024 bytes to 1 GiB).",
      int_between(1024, std::int64_t{1} << 30)));
  s.push_back(option(
      "http.ca_file", [](Config & c) -> auto& { return c.http.ca_file; }, false,
      "Extra CA bundle (PEM) trusted on top of the system store; \"\" = system store only. "
      "Certificate verification cannot be turned off.",
      absolute_path_or_empty()));
  add_rate_limit(s, "inventory", &HttpConfig::inventory,
                 "Zoho's finance apps allow 100 per minute per organization.");
  add_rate_limit(s, "projects", &HttpConfig::projects,
                 "Projects is reported to lock API access for 30 minutes above 100 per 2 minutes.");
  add_rate_limit(s, "crm", &HttpConfig::crm,
                 "CRM counts daily credits (see crm.daily_credits) rather than a per-minute rate.");
  add_rate_limit(s, "contracts", &HttpConfig::contracts,
                 "Zoho documents no Contracts limit; this is a conservative guess.");

  // Products
  s.push_back(option(
      "inventory.enabled", [](Config & c) -> auto& { return c.inventory.enabled; }, false,
      "Sync Zoho Inventory."));
  s.push_back(option(
      "inventory.organization_id", [](Config & c) -> auto& { return c.inventory.organization_id; },
      false, "Inventory organization id (sent as ?organization_id=). Required when enabled."));
  s.push_back(option(
      "inventory.api_url", [](Config & c) -> auto& { return c.inventory.api_url; }, false,
      "Inventory API override, including /inventory/v1; \"\" = zoho.base_url + /inventory/v1, "
      "else https://www.zohoapis.<dc>/inventory/v1.",
      url_or_empty()));
  s.push_back(option(
      "projects.enabled", [](Config & c) -> auto& { return c.projects.enabled; }, false,
      "Sync Zoho Projects."));
  s.push_back(option(
      "projects.portal_id", [](Config & c) -> auto& { return c.projects.portal_id; }, false,
      "Projects portal id (the {PORTALID} of /api/v3/portal/...). Required when enabled."));
  s.push_back(option(
      "projects.api_url", [](Config & c) -> auto& { return c.projects.api_url; }, false,
      "Projects API origin override (paths /api/v3/... are appended); \"\" = zoho.base_url, else "
      "https://projectsapi.zoho.<dc>.",
      url_or_empty()));
  s.push_back(option(
      "crm.enabled", [](Config & c) -> auto& { return c.crm.enabled; }, false, "Sync Zoho CRM."));
  s.push_back(option(
      "crm.api_url", [](Config & c) -> auto& { return c.crm.api_url; }, false,
      "CRM API origin override (paths /crm/v8/... are appended); \"\" = zoho.base_url, else "
      "https://www.zohoapis.<dc>.",
      url_or_empty()));
  s.push_back(option(
      "crm.daily_credits", [](Config & c) -> auto& { return c.crm.daily_credits; }, true,
      "API credits of your CRM edition per 24 hours (Free 5000; Standard and up: 50000 + per "
      "user; 1 to 1000000000).",
      int_between(1, 1'000'000'000)));
  s.push_back(option(
      "crm.write_budget_share", [](Config & c) -> auto& { return c.crm.write_budget_share; }, true,
      "Stop writing to CRM once this share of the daily credits is spent (reads continue).",
      share()));
  s.push_back(option(
      "crm.modified_overlap", [](Config & c) -> auto& { return c.crm.modified_overlap; }, true,
      "Incremental reads ask for changes since the last cursor minus this overlap, so clock "
      "skew and same-second edits are not lost (0s to 1d).",
      duration_between(0s, 24h)));
  s.push_back(option(
      "crm.contact_roles.sync", [](Config & c) -> auto& { return c.crm.contact_roles.sync; }, true,
      "Keep the CRM contact-role picklist in step with the designations of linked people "
      "(missing roles are created)."));
  s.push_back(option(
      "crm.contact_roles.delete_unused",
      [](Config & c) -> auto& { return c.crm.contact_roles.delete_unused; }, true,
      "Also delete contact roles no linked person uses."));
  s.push_back(option(
      "contracts.enabled", [](Config & c) -> auto& { return c.contracts.enabled; }, false,
      "Sync Zoho Contracts."));
  s.push_back(option(
      "contracts.api_url", [](Config & c) -> auto& { return c.contracts.api_url; }, false,
      "Contracts API origin override (paths /api/v1/... are appended); \"\" = zoho.base_url, "
      "else https://contracts.zoho.<dc>.",
      url_or_empty()));
  s.push_back(option(
      "contracts.counterparties", [](Config & c) -> auto& { return c.contracts.counterparties; },
      true, "Counterparty organizations (organizationApiName) whose contacts are synced; [] = all.",
      no_duplicates()));

  // [collections.*]
  add_collection_options(s);

  // [sync]
  s.push_back(enum_option(
      "sync.conflict_policy", [](Config & c) -> auto& { return c.sync.conflict_policy; }, true,
      "A field changed differently in two places: \"newest\" (latest modified time wins, ties "
      "by priority), \"priority\" (first collection in sync.priority wins) or \"manual\" (held "
      "for `zohosync conflicts resolve`)."));
  s.push_back(option(
      "sync.priority", [](Config & c) -> auto& { return c.sync.priority; }, true,
      "Collection ids, most trusted first. Required when conflict_policy = \"priority\"; breaks "
      "ties under \"newest\".",
      no_duplicates()));
  s.push_back(enum_option(
      "sync.on_delete", [](Config & c) -> auto& { return c.sync.on_delete; }, true,
      "A record deleted in one product: \"unlink\" (forget the link, keep the person "
      "elsewhere), \"propagate\" (delete it everywhere) or \"ignore\" (keep the link)."));
  s.push_back(option(
      "sync.mass_delete_share", [](Config & c) -> auto& { return c.sync.mass_delete_share; }, true,
      "Refuse a plan that deletes more than this share of a collection (--force-delete "
      "overrides once).",
      share()));
  s.push_back(option(
      "sync.mass_delete_min", [](Config & c) -> auto& { return c.sync.mass_delete_min; }, true,
      "The mass-delete guard applies only from this many deletes in one collection (0 to "
      "1000000000).",
      int_between(0, 1'000'000'000)));
  s.push_back(option(
      "sync.blank_overwrites", [](Config & c) -> auto& { return c.sync.blank_overwrites; }, true,
      "Let a blanked value clear the person's value in every collection (see also "
      "collections.*.blank_overwrite_fields)."));
  s.push_back(option(
      "sync.flip_limit", [](Config & c) -> auto& { return c.sync.flip_limit; }, true,
      "A field changing more often than this within flip_window quarantines the person "
      "(loop guard; 1 to 1000000).",
      int_between(1, 1'000'000)));
  s.push_back(option(
      "sync.flip_window", [](Config & c) -> auto& { return c.sync.flip_window; }, true,
      "The window flip_limit counts in (1s to 30d).", duration_between(1s, 30 * 24h)));
  s.push_back(option(
      "sync.journal_max_entries", [](Config & c) -> auto& { return c.sync.journal_max_entries; },
      true, "Journal entries kept (oldest dropped first; 0 to 1000000000); 0 = no limit.",
      int_between(0, 1'000'000'000)));
  s.push_back(option(
      "sync.journal_max_age", [](Config & c) -> auto& { return c.sync.journal_max_age; }, true,
      "Journal entries older than this are dropped (0s to 3650d); 0 = no limit.",
      duration_between(0s, 3650 * 24h)));

  // Documentation fields derived from the table itself.
  const Config defaults;
  for (auto& spec : s) {
    if (spec.info.default_value.empty())
      spec.info.default_value = render(spec.get(defaults));
    switch (spec.kind) {
      case Kind::string:
        if (spec.choices.empty()) {
          spec.info.type = spec.secret ? "string (secret)" : "string";
        } else {
          std::string type;
          for (const auto& c : spec.choices)
            type += (type.empty() ? "" : " | ") + render(Value(c));
          spec.info.type = type;
        }
        break;
      case Kind::boolean:
        spec.info.type = "boolean";
        break;
      case Kind::integer:
        spec.info.type = "integer";
        break;
      case Kind::number:
        spec.info.type = "float";
        break;
      case Kind::duration:
        spec.info.type = "duration";
        break;
      case Kind::string_list:
        spec.info.type = "array of strings";
        break;
    }
  }
  // Inventory's and the others' API defaults depend on the data centre.
  for (auto& spec : s) {
    const auto& key = spec.info.key_path;
    if (key == "inventory.api_url")
      spec.info.default_value = "\"\" (https://www.zohoapis.com/inventory/v1 for \"com\")";
    if (key == "projects.api_url")
      spec.info.default_value = "\"\" (https://projectsapi.zoho.com for \"com\")";
    if (key == "crm.api_url")
      spec.info.default_value = "\"\" (https://www.zohoapis.com for \"com\")";
    if (key == "contracts.api_url")
      spec.info.default_value = "\"\" (https://contracts.zoho.com for \"com\")";
  }
  return s;
}

struct Index {
  std::map<std::string, std::size_t, std::less<>> options;
  std::map<std::string, std::set<std::string>, std::less<>> tables;  // table -> children
};

const Index& index() {
  static const Index kIndex = [] {
    Index idx;
    const auto& specs = option_specs();
    for (std::size_t i = 0; i < specs.size(); ++i) {
      const auto& key = specs[i].info.key_path;
      idx.options.emplace(key, i);
      std::size_t start = 0;
      std::string parent;
      while (true) {
        auto dot = key.find('.', start);
        std::string child = key.substr(start, dot == std::string::npos ? dot : dot - start);
        idx.tables[parent].insert(child);
        if (dot == std::string::npos)
          break;
        parent = key.substr(0, dot);
        start = dot + 1;
      }
    }
    return idx;
  }();
  return kIndex;
}

}  // namespace

const std::vector<OptionSpec>& option_specs() {
  static const std::vector<OptionSpec> kSpecs = build_specs();
  return kSpecs;
}

const OptionSpec* find_option(std::string_view key_path) {
  const auto& idx = index();
  auto it = idx.options.find(key_path);
  return it == idx.options.end() ? nullptr : &option_specs()[it->second];
}

bool is_table_path(std::string_view key_path) {
  const auto& idx = index();
  return idx.tables.find(key_path) != idx.tables.end();
}

std::vector<std::string> children_of(std::string_view table_path) {
  const auto& idx = index();
  auto it = idx.tables.find(table_path);
  if (it == idx.tables.end())
    return {};
  return {it->second.begin(), it->second.end()};
}

std::string render(const Value& value) {
  struct Visitor {
    std::string operator()(const std::string& s) const {
      std::string out = "\"";
      for (char c : s) {
        if (c == '"' || c == '\\')
          out += '\\';
        out += c;
      }
      return out + "\"";
    }
    std::string operator()(bool b) const { return b ? "true" : "false"; }
    std::string operator()(std::int64_t n) const { return std::to_string(n); }
    std::string operator()(double d) const {
      std::string out = std::to_string(d);
      while (out.size() > 1 && out.back() == '0' && out[out.size() - 2] != '.')
        out.pop_back();
      return out;
    }
    std::string operator()(Duration d) const { return (*this)(format_duration(d)); }
    std::string operator()(const std::vector<std::string>& list) const {
      std::string out = "[";
      for (std::size_t i = 0; i < list.size(); ++i)
        out += (i ? ", " : "") + (*this)(list[i]);
      return out + "]";
    }
  };
  return std::visit(Visitor{}, value);
}

}  // namespace zohosync::config::detail
