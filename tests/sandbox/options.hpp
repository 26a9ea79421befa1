// Every knob of the sandbox: set from the command line, some changeable at run
// time through the admin API. Defaults follow Zoho where Zoho is documented.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace zohosync::sandbox {

enum class product { inventory, projects, crm, contracts };
inline constexpr product kProducts[] = {product::inventory, product::projects, product::crm,
                                        product::contracts};
const char* product_name(product p);

// How a product rewrites what it is given (echo suppression must survive it).
struct quirks {
  bool lowercase_email = false;
  bool trim_names = false;
  bool format_phone = false;
};

// Zero means "no limit" everywhere below.
struct limit_options {
  int crm_concurrency = 10;       // Standard edition
  int crm_daily_credits = 50000;  // rolling 24 h
  int inventory_per_minute = 100;
  int inventory_concurrency = 10;
  int inventory_daily = 10000;
  int projects_per_window = 100;
  int projects_window_s = 120;
  int projects_lockout_s = 1800;
};

struct generator_options {
  std::uint64_t seed = 1;
  int people = 200;
  double overlap = 0.6;          // share of people present in all four products
  double email_variants = 0.05;  // share stored with a case/whitespace variant in one product
  double no_email = 0.03;        // share without an email (where the product allows it)
  double duplicates = 0.02;      // share with a second record in the same product
  // Extra people held by Projects alone, five to a client: a large portal
  // beside the population the four products share.
  int projects_only = 0;
};

struct options {
  generator_options gen;
  std::string client_id = "1000.SANDBOXCLIENT";
  std::string client_secret = "sandbox-secret";
  std::string refresh_token = "sandbox-refresh-token";
  std::vector<std::string> scopes = {"ZohoCRM.modules.ALL",        "ZohoCRM.settings.ALL",
                                     "ZohoInventory.contacts.ALL", "ZohoInventory.settings.ALL",
                                     "ZohoProjects.users.ALL",     "ZohoProjects.clients.ALL",
                                     "ZohoProjects.projects.ALL",  "contracts.contracts.ALL"};
  int token_ttl_s = 3600;
  int token_requests_per_window = 10;
  int token_window_s = 600;
  int max_active_tokens = 10;
  std::string organization_id = "10234695";
  std::string portal_id = "60012345678";
  // UNCONFIRMED in Zoho: whether editing a contact person bumps the parent
  // contact's last_modified_time. Off by default (the harder case for a client).
  bool person_bumps_contact = false;
  quirks product_quirks[4];
  limit_options limits;
  int latency_ms = 0;
};

}  // namespace zohosync::sandbox
