#include "daemon/connector_set.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "common/include_rule.hpp"
#include "connectors/contracts/contracts_connectors.hpp"
#include "connectors/crm/contact_role_sync.hpp"
#include "connectors/crm/crm_connectors.hpp"
#include "connectors/http/http_client.hpp"
#include "connectors/inventory/inventory_connectors.hpp"
#include "connectors/limits/clock.hpp"
#include "connectors/oauth/token_source.hpp"
#include "connectors/projects/projects_connectors.hpp"

namespace zohosync::daemon {

using connectors::Product;

Product to_connector_product(config::Product product) {
  switch (product) {
    case config::Product::inventory:
      return Product::inventory;
    case config::Product::projects:
      return Product::projects;
    case config::Product::crm:
      return Product::crm;
    case config::Product::contracts:
      return Product::contracts;
  }
  return Product::crm;
}

connectors::RateLimit to_bucket(const config::RateLimit& limit) {
  const double window_s = std::max(0.001, std::chrono::duration<double>(limit.window).count());
  const double requests = std::max(1, limit.requests);
  const double burst = std::clamp(requests / 10.0, 1.0, 10.0);
  const double rate = std::max(requests - burst, 1.0) / window_s;
  return {rate, burst};
}

connectors::http::HttpClientOptions http_client_options(const config::HttpConfig& http) {
  connectors::http::HttpClientOptions options;
  options.request_timeout = http.timeout;
  options.connect_timeout = std::min(http.timeout, options.connect_timeout);
  options.max_response_bytes = static_cast<std::size_t>(http.max_response_bytes);
  options.ca_file = http.ca_file;
  return options;
}

namespace {

connectors::ApiClientOptions api_options(const config::Config& config, config::Product product,
                                         std::shared_ptr<spdlog::logger> logger) {
  connectors::ApiClientOptions options =
      connectors::default_api_options(to_connector_product(product));
  const config::RateLimit& limit = config.http.limit(product);
  options.rate = to_bucket(limit);
  options.max_concurrency = static_cast<std::size_t>(std::max(1, limit.concurrency));
  options.retry.max_attempts = config.http.retries + 1;
  options.logger = std::move(logger);
  const std::string& url = config.api_url(product);
  switch (product) {
    case config::Product::crm:
      // The token's api_domain names the organization's CRM host; honour it
      // unless the config points elsewhere.
      options.base_url = config.crm.api_url_is_default ? "" : url + "/crm/v8";
      options.api_path = "/crm/v8";
      options.credit_budget =
          connectors::CreditBudgetOptions{config.crm.daily_credits, config.crm.write_budget_share};
      break;
    case config::Product::inventory:
      options.base_url = config.inventory.api_url_is_default ? "" : url;
      options.api_path = "/inventory/v1";
      break;
    case config::Product::projects:
    case config::Product::contracts:
      options.base_url = url;  // their own hosts: api_domain does not apply
      break;
  }
  return options;
}

// The fields a collection's include rules test (the config check parsed
// every rule already).
std::vector<std::string> rule_fields_of(const config::CollectionConfig& collection) {
  std::vector<std::string> fields;
  for (const std::string& text : collection.include) {
    if (auto parsed = common::parse_include_rule(text); parsed.rule)
      fields.push_back(parsed.rule->field);
  }
  return fields;
}

}  // namespace

std::filesystem::path token_cache_path(const std::filesystem::path& state_dir) {
  return state_dir / "access_token.json";
}

std::filesystem::path request_ledger_path(const std::filesystem::path& state_dir) {
  return state_dir / "request_budgets";
}

ConnectorSet::ConnectorSet(boost::asio::any_io_executor executor, const config::Config& config,
                           const std::filesystem::path& state_dir,
                           std::shared_ptr<spdlog::logger> logger, TokenCache token_cache,
                           ListingMode listings)
    : clock_(std::make_unique<connectors::SystemClock>()) {
  connectors::http::HttpClientOptions http_options = http_client_options(config.http);
  http_options.logger = logger;
  http_ = std::make_unique<connectors::http::HttpClient>(executor, http_options);

  connectors::oauth::OAuthOptions oauth;
  oauth.accounts_url = config.oauth.accounts_url;
  oauth.client_id = config.oauth.client_id;
  oauth.client_secret = std::string(config.oauth.client_secret.reveal());
  oauth.refresh_token = std::string(config.oauth.refresh_token.reveal());
  if (token_cache != TokenCache::unused)
    oauth.cache_file = token_cache_path(state_dir);
  oauth.cache_read_only = token_cache == TokenCache::read_only;
  oauth.logger = logger;
  tokens_ = std::make_unique<connectors::oauth::TokenSource>(*http_, *clock_, oauth);

  // The request budgets every zohosync process on this state dir shares. A
  // state dir that does not exist (yet) has no other process on it.
  try {
    if (std::filesystem::is_directory(state_dir))
      ledger_ = std::make_unique<connectors::RequestLedger>(request_ledger_path(state_dir));
  } catch (const std::system_error& e) {
    if (logger)
      logger->warn("request budgets are this process's own: {}", e.what());
  }
  for (config::Product product : {config::Product::inventory, config::Product::projects,
                                  config::Product::crm, config::Product::contracts}) {
    if (!config.product_enabled(product))
      continue;
    connectors::ApiClientOptions options = api_options(config, product, logger);
    options.ledger = ledger_.get();
    apis_[to_connector_product(product)] =
        std::make_unique<connectors::ApiClient>(*http_, *tokens_, *clock_, std::move(options));
  }

  for (const std::string& id : config::collection_ids()) {
    const config::CollectionConfig& collection = config.collection(id);
    if (!collection.active)
      continue;
    std::unique_ptr<connectors::Connector> connector;
    if (id == "inventory.contact_persons") {
      connectors::InventoryContactPersonsOptions options;
      options.organization_id = config.inventory.organization_id;
      options.default_contact_id = collection.default_parent;
      options.full_scan_interval = collection.full_scan_interval;
      // The daemon spreads the daily full scan over polls; a reconcile reads it whole.
      options.sliced_listings = listings == ListingMode::sliced;
      options.clock = clock_.get();
      const std::vector<std::string> tested = rule_fields_of(collection);
      options.carry_contact_type =
          std::find(tested.begin(), tested.end(), "contact_type") != tested.end();
      connector =
          connectors::make_inventory_contact_persons(*apis_.at(Product::inventory), options);
    } else if (id == "inventory.users") {
      connectors::InventoryUsersOptions options;
      options.organization_id = config.inventory.organization_id;
      options.allow_invite = collection.allow_invite;
      connector = connectors::make_inventory_users(*apis_.at(Product::inventory), options);
    } else if (id == "projects.contacts") {
      connectors::ProjectsOptions options;
      options.portal_id = config.projects.portal_id;
      options.default_client_id = collection.default_parent;
      options.create_batch = collection.create_batch;
      options.sliced_listings = listings == ListingMode::sliced;
      // A sliced pass never hands the engine a full listing, so every create
      // is looked up first: asking the client the index names, or the default
      // client, keeps that to a request or two. A contact elsewhere is still
      // found: Projects refuses a second contact with its email, and create()
      // turns that refusal into a link.
      options.find_scans_all_clients = listings != ListingMode::sliced;
      if (listings == ListingMode::sliced)
        paced_writes_.apis[id] = apis_.at(Product::projects).get();
      connector = connectors::make_projects_contacts(*apis_.at(Product::projects), options);
    } else if (id == "crm.contacts") {
      connectors::CrmContactsOptions options;
      options.overlap =
          std::chrono::duration_cast<std::chrono::seconds>(config.crm.modified_overlap);
      options.extra_fields = rule_fields_of(collection);
      connector = connectors::make_crm_contacts_connector(*apis_.at(Product::crm), options);
    } else if (id == "contracts.counterparty_contacts") {
      connectors::ContractsOptions options;
      options.organizations = config.contracts.counterparties;
      options.default_counterparty = collection.default_parent;
      // Read a slice per poll as Projects is: a whole listing costs a
      // request per counterparty, minutes of Contracts' budget.
      options.sliced_listings = listings == ListingMode::sliced;
      if (listings == ListingMode::sliced)
        paced_writes_.apis[id] = apis_.at(Product::contracts).get();
      connector =
          connectors::make_contracts_counterparty_contacts(*apis_.at(Product::contracts), options);
    }
    if (connector)
      connectors_.push_back(std::move(connector));
  }
  if (config.crm.enabled && config.crm.contact_roles.sync) {
    contact_roles_ = std::make_unique<connectors::ContactRoleSync>(*apis_.at(Product::crm));
  }
}

ConnectorSet::~ConnectorSet() = default;

std::vector<connectors::Connector*> ConnectorSet::connectors() const {
  std::vector<connectors::Connector*> out;
  for (const auto& c : connectors_)
    out.push_back(c.get());
  return out;
}

connectors::Connector* ConnectorSet::connector(std::string_view collection) const {
  for (const auto& c : connectors_) {
    if (c->collection() == collection)
      return c.get();
  }
  return nullptr;
}

std::optional<double> ConnectorSet::PacedWrites::available(std::string_view collection) const {
  auto it = apis.find(collection);
  if (it == apis.end())
    return std::nullopt;
  return it->second->requests_available_now();
}

std::chrono::milliseconds ConnectorSet::PacedWrites::time_until(std::string_view collection,
                                                                double requests) const {
  auto it = apis.find(collection);
  return it == apis.end() ? std::chrono::milliseconds{0}
                          : it->second->time_until_available(requests);
}

connectors::ApiClient* ConnectorSet::api(connectors::Product product) const {
  auto it = apis_.find(product);
  return it == apis_.end() ? nullptr : it->second.get();
}

}  // namespace zohosync::daemon
