// Each product's own error envelope, and the auth/limit/fault answers built
// from them.
#pragma once

#include "tests/sandbox/http_types.hpp"
#include "tests/sandbox/limits.hpp"
#include "tests/sandbox/oauth.hpp"
#include "tests/sandbox/options.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <string>

namespace zohosync::sandbox {

// CRM: {"code":"INVALID_DATA","details":{...},"message":"invalid data","status":"error"}
boost::json::object crm_error_object(const std::string& code, const std::string& message,
                                     boost::json::object details = {});
response crm_error(int status, const std::string& code, const std::string& message,
                   boost::json::object details = {});
// Inventory: {"code":57,"message":"..."}
response inventory_error(int status, int code, const std::string& message);
// Projects v3: {"error":{"status_code":"401","method":"GET","title":..,"details":[..]}}
response projects_error(int status, const std::string& method, const std::string& title,
                        boost::json::array details);
response projects_error(int status, const std::string& method, const std::string& title,
                        const std::string& message);
// Contracts: {"code":"...","message":"...","status":"error"}
response contracts_error(int status, const std::string& code, const std::string& message);

response auth_error(product p, auth_status why, const std::string& method);
response scope_error(product p, const std::string& method);
response limit_error(limit_verdict v, const std::string& method, int lockout_s);
response internal_error(product p, const std::string& method);
response throttled_error(product p, const std::string& method);
response not_found(product p, const std::string& method);

}  // namespace zohosync::sandbox
