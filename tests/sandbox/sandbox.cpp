#include "tests/sandbox/sandbox.hpp"

#include "tests/sandbox/generator.hpp"
#include "tests/sandbox/util.hpp"

#include <boost/json/array.hpp>

namespace zohosync::sandbox {

namespace json = boost::json;

sandbox::sandbox(options o) : opts(std::move(o)) {
  faults.reseed(opts.gen.seed);
  regenerate();
}

void sandbox::regenerate() {
  data = generate(opts, clock.now());
}

void sandbox::reset() {
  regenerate();
  counters_.clear();
  limited_.clear();
  faults.clear();
  faults.reseed(opts.gen.seed);
  limits.reset();
  tokens.reset_throttle();
  crm_cursors.clear();
}

void sandbox::count(const std::string& product, const std::string& method,
                    const std::string& path) {
  ++counters_[{product, method, path}];
}

void sandbox::count_limited(limit_verdict verdict) {
  ++limited_[limit_name(verdict)];
}

json::object sandbox::counters_json() const {
  json::object by_product;
  json::array entries;
  long total = 0;
  for (const auto& [key, n] : counters_) {
    const auto& [prod, method, path] = key;
    total += n;
    auto& slot = by_product[prod];
    slot = (slot.is_int64() ? slot.as_int64() : 0) + n;
    entries.push_back(
        json::object{{"product", prod}, {"method", method}, {"path", path}, {"count", n}});
  }
  json::object limited;
  long limited_total = 0;
  for (const auto& [name, n] : limited_) {
    limited[name] = n;
    limited_total += n;
  }
  return json::object{{"total", total},
                      {"by_product", by_product},
                      {"requests", entries},
                      {"limited_total", limited_total},
                      {"limited", limited}};
}

json::object sandbox::info_json() const {
  json::array orgs;
  for (const auto& [api, cp] : data.contracts.counterparties)
    orgs.push_back(json::value(api));
  json::array project_ids;
  for (const auto& [id, p] : data.projects.projects)
    project_ids.push_back(json::value(id));
  json::array scopes;
  for (const auto& s : opts.scopes)
    scopes.push_back(json::value(s));
  json::array issued;
  for (const auto& t : tokens.issued_values())
    issued.push_back(json::value(t));
  return json::object{
      {"base_url", base_url},
      {"api_domain", base_url},
      {"accounts_url", base_url},
      {"client_id", opts.client_id},
      {"client_secret", opts.client_secret},
      {"refresh_token", opts.refresh_token},
      {"scopes", scopes},
      {"issued_tokens", issued},
      {"seed", opts.gen.seed},
      {"people", opts.gen.people},
      {"now", format_time(clock.now(), time_style::crm)},
      {"inventory", json::object{{"organization_id", opts.organization_id}}},
      {"projects", json::object{{"portal_id", opts.portal_id}, {"project_ids", project_ids}}},
      {"crm", json::object{{"module", "Contacts"}}},
      {"contracts", json::object{{"organizations", orgs}}},
  };
}

response json_response(int status, const json::value& body) {
  response r;
  r.status = status;
  r.body = to_json(body);
  return r;
}

response empty_response(int status) {
  response r;
  r.status = status;
  r.content_type.clear();
  return r;
}

}  // namespace zohosync::sandbox
