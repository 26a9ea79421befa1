// Zoho Accounts' token endpoint: the authorization-code grant (a Self Client's
// grant code for a refresh token), the refresh-token grant, and the access
// tokens they hand out.
#pragma once

#include "tests/sandbox/http_types.hpp"
#include "tests/sandbox/options.hpp"

#include <cstdint>
#include <deque>
#include <map>
#include <random>
#include <string>
#include <vector>

namespace zohosync::sandbox {

struct access_token {
  std::string value;
  std::int64_t expires_at = 0;
  std::vector<std::string> scopes;
};

enum class auth_status { ok, missing, invalid, expired };

// A code made by the API console's Self Client ("Generate Code"): works once,
// for the minutes chosen, and grants the scopes chosen.
struct grant_code {
  std::vector<std::string> scopes;
  std::int64_t expires_at = 0;
  bool used = false;
};

class token_store {
 public:
  // POST /oauth/v2/token. Parameters may come in the query or a form body.
  response grant(const request& req, const options& opts, std::int64_t now,
                 const std::string& api_domain);
  // A new Self Client code (the admin API stands in for the API console).
  std::string issue_code(std::vector<std::string> scopes, std::int64_t expires_at);
  // Reads "Authorization: Zoho-oauthtoken <token>".
  auth_status check(const request& req, std::int64_t now, const access_token** out) const;
  // Forgets the token-request window (admin reset); issued tokens stay valid.
  void reset_throttle() { requests_.clear(); }
  int issued() const { return issued_; }
  // Every access token handed out since start, superseded ones included, so
  // tests can search outputs for them.
  const std::vector<std::string>& issued_values() const { return issued_values_; }

 private:
  response refresh_grant(const options& opts, std::int64_t now, const std::string& api_domain,
                         const std::vector<std::string>& scopes);
  response code_grant(const std::string& code, const options& opts, std::int64_t now,
                      const std::string& api_domain);
  std::string random_token();

  std::map<std::string, grant_code> codes_;
  // Refresh tokens handed out for codes, with the scopes their code granted
  // (besides the one refresh token of the options).
  std::map<std::string, std::vector<std::string>> refresh_tokens_;
  std::map<std::string, access_token> tokens_;
  std::deque<std::string> active_;     // oldest first
  std::deque<std::int64_t> requests_;  // token requests inside the window
  std::mt19937_64 gen_{0x5a4e};
  int issued_ = 0;
  std::vector<std::string> issued_values_;
};

// True when one of `granted` covers `family`.`operation` (e.g. family
// "ZohoCRM.modules.contacts", operation "READ"), or one of `wide` is granted.
bool scope_allows(const std::vector<std::string>& granted, const std::string& family,
                  const std::string& operation, std::initializer_list<const char*> wide = {});
// GET -> READ, POST -> CREATE, PUT/PATCH/UPDATE -> UPDATE, DELETE -> DELETE.
std::string scope_operation(const std::string& method);

}  // namespace zohosync::sandbox
