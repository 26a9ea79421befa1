#pragma once
// Everything that talks to Zoho, built from the configuration: one HTTP
// client, one OAuth token source (shared by all products: Zoho allows few
// token requests per refresh token), one ApiClient per enabled product
// (its rate bucket and concurrency cap shared by that product's
// collections) and one Connector per active collection.
//
// Owns them all; the io_context's executor must outlive the set.

#include <boost/asio/any_io_executor.hpp>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "connectors/connector.hpp"
#include "connectors/limits/api_client.hpp"
#include "daemon/engine/write_budget.hpp"

namespace spdlog {
class logger;
}

namespace zohosync::connectors::http {
class HttpClient;
struct HttpClientOptions;
}  // namespace zohosync::connectors::http
namespace zohosync::connectors::oauth {
class TokenSource;
}
namespace zohosync::connectors {
class ContactRoleSync;
}

namespace zohosync::daemon {

connectors::Product to_connector_product(config::Product product);
// The configured "N requests per window" as a token bucket that can never
// exceed N within any window: the burst plus what refills during the window
// must stay at or below N.
connectors::RateLimit to_bucket(const config::RateLimit& limit);
// The [http] section as the transport takes it: timeouts, the answer size
// bound, the extra CA file (every HttpClient zohosync makes, `auth`'s too).
connectors::http::HttpClientOptions http_client_options(const config::HttpConfig& http);

// Where the token cache lives inside the state dir.
std::filesystem::path token_cache_path(const std::filesystem::path& state_dir);
// Where the request budgets shared by every process on the state dir live.
std::filesystem::path request_ledger_path(const std::filesystem::path& state_dir);

// How listings read Projects and Contracts, which have no incremental
// listing: every client or counterparty each time (a one-shot run), or in
// slices the request budget allows without waiting, a pass over them spread
// over several cycles (the daemon, so that a large portal never holds back
// the other products).
enum class ListingMode { whole, sliced };

// The access token cached in the state dir (access_token.json): used and
// renewed (daemon, reconcile), used but left as it was (a dry run), or left
// alone, so that the first call refreshes (`check-config --online`, whose
// check of the refresh token and of the granted scopes is that refresh).
enum class TokenCache { read_write, read_only, unused };

class ConnectorSet {
 public:
  // Throws connectors::ConnectorError (configuration) when the config cannot
  // be turned into connectors (e.g. a CA file that does not load). Needs the
  // secrets loaded (config::SecretCheck::require).
  ConnectorSet(boost::asio::any_io_executor executor, const config::Config& config,
               const std::filesystem::path& state_dir, std::shared_ptr<spdlog::logger> logger,
               TokenCache token_cache = TokenCache::read_write,
               ListingMode listings = ListingMode::whole);
  ~ConnectorSet();
  ConnectorSet(const ConnectorSet&) = delete;
  ConnectorSet& operator=(const ConnectorSet&) = delete;

  // One per active collection, in config::collection_ids() order.
  std::vector<connectors::Connector*> connectors() const;
  connectors::Connector* connector(std::string_view collection) const;

  // The product's ApiClient, or nullptr when the product is disabled.
  connectors::ApiClient* api(connectors::Product product) const;
  // The daemon's write budget: writes to a product read in slices
  // (ListingMode::sliced: Projects, Contracts) take only what its budget holds now, as
  // its listings do; writes to the others wait for their budget in line.
  const WriteBudget& write_budget() const { return paced_writes_; }
  // Present when crm.contact_roles.sync is on.
  connectors::ContactRoleSync* contact_roles() const { return contact_roles_.get(); }

  connectors::oauth::TokenSource& tokens() { return *tokens_; }
  connectors::Clock& clock() { return *clock_; }
  // The shared request budgets, or nullptr (the state dir does not exist).
  connectors::RequestLedger* ledger() const { return ledger_.get(); }

 private:
  std::unique_ptr<connectors::Clock> clock_;
  std::unique_ptr<connectors::RequestLedger> ledger_;  // null: no state dir to share
  std::unique_ptr<connectors::http::HttpClient> http_;
  std::unique_ptr<connectors::oauth::TokenSource> tokens_;
  std::map<connectors::Product, std::unique_ptr<connectors::ApiClient>> apis_;
  std::vector<std::unique_ptr<connectors::Connector>> connectors_;
  // The products read in slices, by collection: their writes are paced.
  class PacedWrites final : public WriteBudget {
   public:
    std::optional<double> available(std::string_view collection) const override;
    std::chrono::milliseconds time_until(std::string_view collection,
                                         double requests) const override;
    std::map<std::string, const connectors::ApiClient*, std::less<>> apis;
  };
  PacedWrites paced_writes_;
  std::unique_ptr<connectors::ContactRoleSync> contact_roles_;
};

}  // namespace zohosync::daemon
