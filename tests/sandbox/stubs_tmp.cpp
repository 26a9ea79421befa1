#include "tests/sandbox/errors.hpp"
#include "tests/sandbox/router.hpp"
namespace zohosync::sandbox {
response handle_projects(call_context& c) {
  return not_found(product::projects, c.req.method);
}
response handle_contracts(call_context& c) {
  return not_found(product::contracts, c.req.method);
}
}  // namespace zohosync::sandbox
