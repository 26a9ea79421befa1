#pragma once
// Zoho Projects v3 client contacts as the `projects.contacts` collection.
//
// Projects offers no modified-since filter and no timestamp on a contact, so
// every list() is a full listing (Listing::full = true): the client companies
// (`/clients`, page/per_page), then each client's contacts (`index`/`range`
// until a short page). Cost of one listing: ceil(clients / clients_per_page)
// + sum over clients of (contacts / range + 1) requests, i.e. about one call
// per client company. Projects locks the API out for 30 minutes after 100
// requests in 2 minutes; the ApiClient's rate bucket keeps below that, so a
// large portal's listing is slow rather than refused.

#include <memory>
#include <string>

#include "connectors/connector.hpp"

namespace zohosync::connectors {

class ApiClient;

struct ProjectsOptions {
  // The {PORTALID} of /api/v3/portal/{PORTALID}/... (required).
  std::string portal_id;
  // The client company a create goes under when the engine passes no parent.
  std::string default_client_id;
  // Contacts per page (`range`); Zoho documents at most 200, and a larger
  // value would be cut by the product and end the paging early.
  int range = 200;
  // Client companies per page of the `/clients` list.
  int clients_per_page = 200;
  // find_by_email() for an email not seen in the last listing: true scans
  // every client company (about one request per client); false asks only the
  // default client and relies on Projects refusing a second contact with the
  // same email (EXISTING_USER_OR_CONTACT, which create() turns into a link).
  bool find_scans_all_clients = true;
  // Contacts per create request: creates that arrive together (the engine
  // sends a batch of writes at once) go out as one POST of a `contacts`
  // array per client, each contact's outcome read from the 201/207 answer.
  // Clamped to 1..100 (Zoho documents no largest batch).
  int create_batch = 20;
  // A listing given the cursor of an earlier one reads the clients in
  // slices: from where the last slice stopped, as many clients as the
  // request budget allows without waiting (none while it has no request to
  // spare), so a large portal never holds back the other products (the daemon).
  // Deletes are then inferred under the clients read whole. The first listing, and every one when
  // off (a one-shot run), reads every client.
  bool sliced_listings = false;
};

// `api` is the Projects ApiClient (base URL https://projectsapi.zoho.<dc>, the
// connector sends /api/v3/portal/...); it must outlive the connector.
std::unique_ptr<Connector> make_projects_contacts(ApiClient& api, ProjectsOptions options);

}  // namespace zohosync::connectors
