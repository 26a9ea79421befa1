#pragma once
// Zoho Contracts v1 counterparty contacts as the
// `contracts.counterparty_contacts` collection.
//
// Record::id is the id the contact's rows carry (stable when its email is
// edited) and Record::parent_id the counterparty's organizationApiName. The
// email is only the URL key of an update or delete: the connector finds the
// current one itself (from its latest answers, else one read of the
// counterparty). An id holding an '@' is taken as such an email key (links
// and outbox entries written before contacts were keyed by id). Contracts
// has no modified-since filter: every list() is a full listing, one request
// for the counterparties (skipped when `organizations` names them) plus one
// per counterparty.

#include <memory>
#include <string>
#include <vector>

#include "connectors/connector.hpp"

namespace zohosync::connectors {

class ApiClient;

struct ContractsOptions {
  // organizationApiName values whose contacts are synced; empty = every counterparty.
  std::vector<std::string> organizations;
  // The counterparty a create goes under when the engine passes no parent.
  std::string default_counterparty;
  // The update method: the seed's sample says "UPDATE"; PUT is what HTTP has.
  std::string update_method = "PUT";
};

// `api` is the Contracts ApiClient (base URL https://contracts.zoho.<dc>, the
// connector sends /api/v1/counterparties/...); it must outlive the connector.
std::unique_ptr<Connector> make_contracts_counterparty_contacts(ApiClient& api,
                                                                ContractsOptions options);

}  // namespace zohosync::connectors
