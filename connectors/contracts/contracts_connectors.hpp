#pragma once
// Zoho Contracts v1 counterparty contacts as the
// `contracts.counterparty_contacts` collection.
//
// A contact is addressed by its email in the URL, so Record::id is the
// emailId and Record::parent_id the counterparty's organizationApiName; an
// update that changes the email returns the record under its new id. Contracts
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
