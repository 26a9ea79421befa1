#include "config/checks.hpp"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "common/include_rule.hpp"
#include "config/secrets.hpp"
#include "config/urls.hpp"

namespace zohosync::config::detail {
namespace {

void apply_overrides(Config& config, Reporter& reporter, const LoadOptions& options) {
  if (options.state_dir) {
    if (options.state_dir->empty()) {
      reporter.external(Severity::error, "--state-dir", "service.state_dir", "must not be empty");
    } else {
      std::error_code ec;
      auto absolute = std::filesystem::absolute(*options.state_dir, ec);
      config.service.state_dir = ec ? *options.state_dir : absolute.string();
    }
  }
  if (options.base_url) {
    std::string problem = options.base_url->empty() ? "" : check_base_url(*options.base_url);
    if (!problem.empty()) {
      reporter.external(Severity::error, "--base-url", "zoho.base_url", problem);
    } else {
      config.zoho.base_url = *options.base_url;
    }
  }
}

// Per-product override > zoho.base_url > data-centre default.
void resolve_urls(Config& config, Reporter& reporter) {
  auto hosts = data_centre_hosts(config.zoho.data_centre);
  if (!hosts)
    hosts = data_centre_hosts("com");  // the bad value was reported already
  const std::string base = trim_url(config.zoho.base_url);
  // Returns true when the data-centre default was used.
  auto pick = [&](std::string& url, const std::string& from_base, const std::string& from_dc) {
    if (!url.empty()) {
      url = trim_url(url);
      return false;
    }
    if (!base.empty()) {
      url = from_base;
      return false;
    }
    url = from_dc;
    return true;
  };
  config.inventory.api_url_is_default =
      pick(config.inventory.api_url, base + "/inventory/v1", hosts->api_domain + "/inventory/v1");
  config.projects.api_url_is_default = pick(config.projects.api_url, base, hosts->projects);
  config.crm.api_url_is_default = pick(config.crm.api_url, base, hosts->api_domain);
  config.contracts.api_url_is_default = pick(config.contracts.api_url, base, hosts->contracts);
  pick(config.oauth.accounts_url, base, hosts->accounts);
  if (config.contracts.enabled && config.contracts.api_url.empty()) {
    reporter.error("contracts.api_url",
                   "Zoho Contracts lists no \"" + config.zoho.data_centre +
                       "\" data centre; set contracts.api_url or zoho.base_url",
                   "contracts.enabled");
  }
}

void check_products(Config& config, Reporter& reporter, bool any_enabled) {
  if (!any_enabled) {
    reporter.warning("",
                     "no product is enabled (inventory, projects, crm, contracts): nothing "
                     "will be synced");
    return;
  }
  if (config.oauth.client_id.empty()) {
    std::string anchor = "oauth";
    for (const char* product : {"inventory", "projects", "crm", "contracts"}) {
      if (!reporter.written("oauth") && reporter.written(std::string(product) + ".enabled")) {
        anchor = std::string(product) + ".enabled";
        break;
      }
    }
    reporter.error("oauth.client_id", "required when a product is enabled", anchor);
  }
  if (config.inventory.enabled && config.inventory.organization_id.empty()) {
    reporter.error("inventory.organization_id", "required when inventory.enabled = true",
                   "inventory.enabled");
  }
  if (config.projects.enabled && config.projects.portal_id.empty()) {
    reporter.error("projects.portal_id", "required when projects.enabled = true",
                   "projects.enabled");
  }
}

const char* parent_key(const std::string& id) {
  if (id == "inventory.contact_persons")
    return "default_contact_id";
  if (id == "projects.contacts")
    return "default_client_id";
  if (id == "contracts.counterparty_contacts")
    return "default_counterparty";
  return nullptr;
}

// Rules on fields the collection's records carry, and, on a create target,
// rules a record zohosync creates can meet (else every create would be left
// out by the next listing).
void check_include_rules(const std::string& id, const CollectionConfig& c, Reporter& reporter) {
  const std::string key = "collections." + id + ".include";
  const std::vector<std::string>* fields = rule_fields(id);
  std::set<std::string> seen;
  std::set<std::string> fields_named;
  constexpr std::size_t kCrmFieldsForRules = 39;
  for (const auto& text : c.include) {
    common::RuleParse parsed = common::parse_include_rule(text);
    if (!parsed.rule)
      continue;  // reported by the option's own check
    const common::IncludeRule& rule = *parsed.rule;
    if (!seen.insert(rule.text).second)
      reporter.error(key, "rule \"" + text + "\" is listed twice");
    if (fields != nullptr &&
        std::find(fields->begin(), fields->end(), rule.field) == fields->end()) {
      std::string known;
      for (const auto& f : *fields)
        known += (known.empty() ? "" : ", ") + f;
      reporter.error(key, "rule \"" + text + "\": " + id + " records carry no field \"" +
                              rule.field + "\" (they carry: " + known + ")");
    }
    if (fields == nullptr) {
      fields_named.insert(rule.field);
      // CRM takes at most 50 fields in one read; zohosync asks for 11 of its own.
      if (fields_named.size() == kCrmFieldsForRules + 1) {
        reporter.error(key, "the rules name more than " + std::to_string(kCrmFieldsForRules) +
                                " fields; CRM reads at most 50 per request, 11 of them zohosync's");
      }
    }
    if (c.create && rule.op == common::RuleOp::exists) {
      reporter.error(key,
                     "rule \"" + text + "\" cannot be met by a record zohosync creates, and " + id +
                         " is a create target: name a value (" + rule.field +
                         " = value) or set create = false",
                     "collections." + id + ".create");
    }
  }
}

void check_collections(Config& config, Reporter& reporter) {
  for (auto& [id, c] : config.collections) {
    const std::string prefix = "collections." + id + ".";
    c.active = c.enabled && config.product_enabled(c.product);
    c.effective_on_delete = c.on_delete.value_or(config.sync.on_delete);
    if (c.create) {
      if (const char* parent = parent_key(id); parent != nullptr && c.default_parent.empty()) {
        reporter.error(prefix + parent,
                       "required when create = true (new records in " + id +
                           " need a parent to be created under)",
                       prefix + "create");
      }
      if (id == "inventory.users" && !c.allow_invite) {
        reporter.error(prefix + "allow_invite",
                       "creating an Inventory user sends an invitation e-mail; set allow_invite = "
                       "true to allow it (or create = false)",
                       prefix + "create");
      }
    }
    if (c.poll_jitter >= c.poll_interval) {
      // Point at whichever of the two the user wrote.
      reporter.error(prefix + "poll_jitter", "must be shorter than poll_interval",
                     reporter.written(prefix + "poll_jitter") ? prefix + "poll_jitter"
                                                              : prefix + "poll_interval");
    }
    check_include_rules(id, c, reporter);
    const auto& carried = carried_fields(id);
    for (const auto& field : c.blank_overwrite_fields) {
      if (std::find(carried.begin(), carried.end(), field) == carried.end()) {
        reporter.error(prefix + "blank_overwrite_fields",
                       "\"" + field + "\" is not a field " + id + " carries");
      }
    }
  }
}

void check_sync(Config& config, Reporter& reporter) {
  const auto& ids = collection_ids();
  for (const auto& id : config.sync.priority) {
    if (std::find(ids.begin(), ids.end(), id) == ids.end()) {
      std::string known;
      for (const auto& k : ids)
        known += (known.empty() ? "" : ", ") + k;
      reporter.error("sync.priority", "unknown collection \"" + id + "\" (known: " + known + ")");
    }
  }
  if (config.sync.conflict_policy == ConflictPolicy::priority && config.sync.priority.empty()) {
    reporter.error("sync.priority",
                   "required when conflict_policy = \"priority\": list collection ids, most "
                   "trusted first",
                   "sync.conflict_policy");
  }
}

void check_service(Config& config, Reporter& reporter) {
  if (!config.service.metrics_listen.empty()) {
    bool loopback = false;
    if (check_listen_address(config.service.metrics_listen, &loopback).empty() && !loopback) {
      reporter.warning("service.metrics_listen",
                       "metrics and health are served beyond this machine (not a loopback "
                       "address)");
    }
  }
  if (!config.http.ca_file.empty() && ::access(config.http.ca_file.c_str(), R_OK) != 0) {
    reporter.error("http.ca_file", "cannot read " + config.http.ca_file);
  }
}

void resolve_secrets(Config& config, Reporter& reporter, const LoadOptions& options,
                     bool any_enabled) {
  struct Item {
    const char* name;  // "client secret"
    const char* inline_key;
    const char* file_key;
    const char* credential;
    const char* env;
    Secret OAuthConfig::*value;
    std::string OAuthConfig::*source;
    std::string OAuthConfig::*file;
  };
  const Item items[] = {
      {"client secret", "oauth.client_secret", "oauth.client_secret_file", "client_secret",
       "ZOHOSYNC_CLIENT_SECRET", &OAuthConfig::client_secret, &OAuthConfig::client_secret_source,
       &OAuthConfig::client_secret_file},
      {"refresh token", "oauth.refresh_token", "oauth.refresh_token_file", "refresh_token",
       "ZOHOSYNC_REFRESH_TOKEN", &OAuthConfig::refresh_token, &OAuthConfig::refresh_token_source,
       &OAuthConfig::refresh_token_file},
  };
  auto& oauth = config.oauth;
  for (const auto& item : items) {
    Secret& value = oauth.*(item.value);
    std::string& source = oauth.*(item.source);
    if (!value.empty()) {  // written inline
      if (!oauth.allow_inline_secrets) {
        value = Secret();
        reporter.error(item.inline_key,
                       std::string("inline secrets are refused; put the ") + item.name + " in " +
                           item.file_key + " (mode 0600), a systemd credential \"" +
                           item.credential + "\" or $" + item.env +
                           " (or set oauth.allow_inline_secrets = true for throwaway "
                           "credentials)");
        continue;
      }
      source = "inline";
      std::string error;
      auto url = parse_url(oauth.accounts_url, &error);
      if (url && !is_loopback_host(url->host)) {
        reporter.warning(item.inline_key,
                         "an inline secret is sent to a non-loopback accounts server; keep real "
                         "secrets in files or credentials");
      }
      continue;
    }
    SecretLookup found = find_secret(oauth.*(item.file), item.credential, item.env);
    if (!found.refusal.empty()) {
      reporter.error(item.file_key, found.refusal);
      continue;
    }
    if (!found.value.empty()) {
      value = std::move(found.value);
      source = found.source;
      continue;
    }
    if (!any_enabled || (options.secrets == SecretCheck::optional && found.unreadable.empty()))
      continue;
    std::string tried;
    for (const auto& t : found.tried)
      tried += (tried.empty() ? "" : ", ") + t;
    // A file that is there but cannot be read (owner, mode, a directory) is
    // what the run would meet too: an error for check-config as well.
    const bool required = options.secrets == SecretCheck::require || !found.unreadable.empty();
    reporter.report(required ? Severity::error : Severity::warning, item.file_key,
                    std::string("no ") + item.name + " found (looked at: " + tried + ")" +
                        (required ? "" : "; daemon and reconcile will refuse to start"));
  }
}

}  // namespace

void finish(Config& config, Reporter& reporter, const LoadOptions& options) {
  apply_overrides(config, reporter, options);
  const bool any_enabled = config.inventory.enabled || config.projects.enabled ||
                           config.crm.enabled || config.contracts.enabled;
  resolve_urls(config, reporter);
  check_products(config, reporter, any_enabled);
  check_collections(config, reporter);
  check_sync(config, reporter);
  check_service(config, reporter);
  resolve_secrets(config, reporter, options, any_enabled);
}

}  // namespace zohosync::config::detail
