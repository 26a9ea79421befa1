// Turns one HTTP request into a reply: admin paths, counters, faults,
// latency, token endpoint, authentication, rate limits, then the product.
#pragma once

#include "tests/sandbox/http_types.hpp"
#include "tests/sandbox/sandbox.hpp"

namespace zohosync::sandbox {

reply route(sandbox& sb, const request& req);

// Product handlers (one file each).
response handle_inventory(call_context& ctx);
response handle_projects(call_context& ctx);
response handle_crm(call_context& ctx);
response handle_contracts(call_context& ctx);
response handle_admin(sandbox& sb, const request& req);

}  // namespace zohosync::sandbox
