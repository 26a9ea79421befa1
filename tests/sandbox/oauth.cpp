#include "tests/sandbox/oauth.hpp"

#include "tests/sandbox/util.hpp"

#include <boost/json/object.hpp>

#include <cstdio>

namespace zohosync::sandbox {

namespace json = boost::json;

namespace {

response json_200(const json::object& o) {
  response r;
  r.body = to_json(o);
  return r;
}

}  // namespace

std::string token_store::random_token() {
  char buf[80];
  std::snprintf(buf, sizeof buf, "1000.%016llx%016llx.%016llx%016llx",
                static_cast<unsigned long long>(gen_()), static_cast<unsigned long long>(gen_()),
                static_cast<unsigned long long>(gen_()), static_cast<unsigned long long>(gen_()));
  return buf;
}

std::string token_store::issue_code(std::vector<std::string> scopes, std::int64_t expires_at) {
  std::string code = random_token();
  codes_[code] = grant_code{std::move(scopes), expires_at, false};
  return code;
}

response token_store::grant(const request& req, const options& opts, std::int64_t now,
                            const std::string& api_domain) {
  auto params = req.query;
  if (req.header("content-type").find("application/x-www-form-urlencoded") != std::string::npos) {
    for (auto& [k, v] : parse_query(req.body))
      params[k] = v;
  }
  auto get = [&](const char* k) {
    auto it = params.find(k);
    return it == params.end() ? std::string{} : it->second;
  };
  const std::string grant_type = get("grant_type");
  if (grant_type != "refresh_token" && grant_type != "authorization_code") {
    return json_200({{"error", "unsupported_grant_type"}});
  }
  // Zoho answers a bad client with HTTP 200 and an error body.
  if (get("client_id") != opts.client_id || get("client_secret") != opts.client_secret) {
    return json_200({{"error", "invalid_client"}});
  }
  if (grant_type == "authorization_code")
    return code_grant(get("code"), opts, now, api_domain);
  const std::string refresh = get("refresh_token");
  if (refresh == opts.refresh_token)
    return refresh_grant(opts, now, api_domain, opts.scopes);
  auto issued = refresh_tokens_.find(refresh);
  if (issued == refresh_tokens_.end()) {
    return json_200({{"error", "invalid_code"}});
  }
  return refresh_grant(opts, now, api_domain, issued->second);
}

response token_store::code_grant(const std::string& code, const options& opts, std::int64_t now,
                                 const std::string& api_domain) {
  // Unknown, used and expired codes all get Zoho's one answer.
  auto it = codes_.find(code);
  if (it == codes_.end() || it->second.used || it->second.expires_at <= now) {
    return json_200({{"error", "invalid_code"}});
  }
  it->second.used = true;
  const std::string refresh = random_token();
  refresh_tokens_[refresh] = it->second.scopes;
  issued_values_.push_back(refresh);
  response r = refresh_grant(opts, now, api_domain, it->second.scopes);
  auto body = parse_object(r.body);
  if (body && body->contains("access_token")) {
    (*body)["refresh_token"] = refresh;
    r.body = to_json(*body);
  }
  return r;
}

response token_store::refresh_grant(const options& opts, std::int64_t now,
                                    const std::string& api_domain,
                                    const std::vector<std::string>& scopes) {
  while (!requests_.empty() && requests_.front() <= now - opts.token_window_s) {
    requests_.pop_front();
  }
  if (opts.token_requests_per_window > 0 &&
      static_cast<int>(requests_.size()) >= opts.token_requests_per_window) {
    response r;
    r.status = 400;
    r.body = to_json(json::object{
        {"error_description",
         "You have made too many requests continuously. Please try again after some time."},
        {"error", "Access Denied"},
        {"status", "failure"}});
    return r;
  }
  requests_.push_back(now);
  access_token t{random_token(), now + opts.token_ttl_s, scopes};
  tokens_[t.value] = t;
  active_.push_back(t.value);
  ++issued_;
  issued_values_.push_back(t.value);
  // At most N live tokens per refresh token: the oldest stops working.
  while (opts.max_active_tokens > 0 && static_cast<int>(active_.size()) > opts.max_active_tokens) {
    tokens_.erase(active_.front());
    active_.pop_front();
  }
  std::string scope;
  for (const auto& s : scopes)
    scope += (scope.empty() ? "" : " ") + s;
  return json_200({{"access_token", t.value},
                   {"scope", scope},
                   {"api_domain", api_domain},
                   {"token_type", "Bearer"},
                   {"expires_in", opts.token_ttl_s}});
}

auth_status token_store::check(const request& req, std::int64_t now,
                               const access_token** out) const {
  std::string h = req.header("authorization");
  constexpr std::string_view kPrefix = "Zoho-oauthtoken ";
  if (h.empty())
    return auth_status::missing;
  if (h.size() <= kPrefix.size() || h.compare(0, kPrefix.size(), kPrefix) != 0) {
    return auth_status::invalid;
  }
  auto it = tokens_.find(trim(h.substr(kPrefix.size())));
  if (it == tokens_.end())
    return auth_status::invalid;
  if (it->second.expires_at <= now)
    return auth_status::expired;
  *out = &it->second;
  return auth_status::ok;
}

std::string scope_operation(const std::string& method) {
  if (method == "GET" || method == "HEAD")
    return "READ";
  if (method == "POST")
    return "CREATE";
  if (method == "DELETE")
    return "DELETE";
  return "UPDATE";
}

bool scope_allows(const std::vector<std::string>& granted, const std::string& family,
                  const std::string& operation, std::initializer_list<const char*> wide) {
  for (const auto& g : granted) {
    if (iequals(g, family + "." + operation) || iequals(g, family + ".ALL"))
      return true;
    for (const char* w : wide) {
      if (iequals(g, w))
        return true;
    }
  }
  return false;
}

}  // namespace zohosync::sandbox
