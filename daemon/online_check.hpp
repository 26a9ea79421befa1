#pragma once
// `zohosync check-config --online`: what the configuration file cannot say by
// itself, asked of Zoho. Refreshes an access token (the client, the secret and
// the refresh token work), compares the scopes granted with those the enabled
// collections need, and makes one read per enabled collection (the
// organization, portal and counterparty ids work). Writes nothing to Zoho;
// its requests count against the budgets shared on the state dir.

#include "config/config.hpp"
#include "daemon/commands.hpp"

namespace zohosync::daemon {

// Prints one line per problem (stderr) and a summary (stdout). Returns 0 when
// all is well, 78 when something is wrong with the configuration or the
// grant, 69 when Zoho (a product, or the accounts server) cannot be reached.
int run_online_check(const GlobalOptions& global, const config::Config& config);

}  // namespace zohosync::daemon
