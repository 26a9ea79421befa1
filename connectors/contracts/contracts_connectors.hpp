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
// has no modified-since filter: a listing reads each counterparty whole, one
// request for the counterparties (skipped when `organizations` names them)
// plus one per counterparty; all of them at once, or a slice per poll
// (sliced_listings).

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
  // Read the counterparties a slice at a time, as many as the request
  // budget holds without waiting, a pass over them spread over polls (the
  // daemon): the cursor says where the pass stands ("pass:<organization>",
  // or "full" once it ended). The first listing ever, and every listing from
  // an empty cursor, reads them all. Once a pass ended, find_by_email asks
  // only the counterparty the index names.
  bool sliced_listings = false;
};

// `api` is the Contracts ApiClient (base URL https://contracts.zoho.<dc>, the
// connector sends /api/v1/counterparties/...); it must outlive the connector.
std::unique_ptr<Connector> make_contracts_counterparty_contacts(ApiClient& api,
                                                                ContractsOptions options);

}  // namespace zohosync::connectors
