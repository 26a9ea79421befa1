#include "connectors/crm/contact_role_sync.hpp"

#include <algorithm>
#include <cctype>
#include <map>

#include "connectors/crm/crm_json.hpp"
#include "connectors/limits/api_client.hpp"

namespace zohosync::connectors {

namespace asio = boost::asio;

namespace {

constexpr std::size_t kMaxPerCall = 100;

std::string trimmed(std::string_view text) {
  std::size_t begin = 0, end = text.size();
  while (begin < end && std::isspace(static_cast<unsigned char>(text[begin])))
    ++begin;
  while (end > begin && std::isspace(static_cast<unsigned char>(text[end - 1])))
    --end;
  return std::string(text.substr(begin, end - begin));
}

std::string role_key(std::string_view name) {
  std::string key = trimmed(name);
  for (auto& c : key)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return key;
}

}  // namespace

asio::awaitable<RoleSyncReport> ContactRoleSync::sync(std::vector<std::string> designations_in_use,
                                                      bool delete_unused) {
  RoleSyncReport report;

  // In use: one spelling per key (the first seen, trimmed), in input order.
  std::map<std::string, std::string> wanted;
  std::vector<std::string> wanted_order;
  for (const auto& designation : designations_in_use) {
    std::string key = role_key(designation);
    if (!key.empty() && wanted.emplace(key, trimmed(designation)).second)
      wanted_order.push_back(std::move(key));
  }

  ApiRequest get;
  get.path = "/Contacts/roles";
  ++report.api_calls;
  const http::HttpResponse listed = co_await api_.send(std::move(get));
  std::vector<crm::ContactRole> existing;
  if (listed.status == 200)
    existing = crm::parse_roles(listed.body);
  else if (listed.status != 204)
    throw api_.error_for(listed);

  std::map<std::string, const crm::ContactRole*> by_key;
  std::int64_t last_sequence = 0;
  for (const auto& role : existing) {
    by_key.emplace(role_key(role.name), &role);
    last_sequence = std::max(last_sequence, role.sequence_number);
  }

  std::vector<crm::ContactRole> missing;
  for (const auto& key : wanted_order) {
    if (by_key.contains(key)) {
      report.present.push_back(wanted[key]);
    } else {
      crm::ContactRole role;
      role.name = wanted[key];
      role.sequence_number = ++last_sequence;  // after the existing ones
      missing.push_back(std::move(role));
    }
  }

  for (std::size_t begin = 0; begin < missing.size(); begin += kMaxPerCall) {
    const std::size_t end = std::min(missing.size(), begin + kMaxPerCall);
    std::vector<crm::ContactRole> chunk(missing.begin() + begin, missing.begin() + end);
    ApiRequest post;
    post.method = "POST";
    post.path = "/Contacts/roles";
    post.headers.emplace_back("Content-Type", "application/json");
    post.body = crm::roles_body(chunk);
    // Names are unique: a repeated create answers DUPLICATE_DATA, which we take as success.
    post.idempotent = true;
    ++report.api_calls;
    const http::HttpResponse response = co_await api_.send(std::move(post));
    auto items = crm::parse_item_results(response.body, "contact_roles");
    if (!items || items->size() != chunk.size()) {
      if (response.status >= 300)
        throw api_.error_for(response);
      throw ConnectorError(ErrorClass::transient, "crm: malformed contact-roles answer");
    }
    for (std::size_t i = 0; i < chunk.size(); ++i) {
      const auto& item = (*items)[i];
      if (item.ok)
        report.created.push_back(chunk[i].name);
      else if (item.code == "DUPLICATE_DATA")
        report.present.push_back(chunk[i].name);  // created meanwhile by someone else
      else
        report.failures.push_back(chunk[i].name + ": " + crm::item_error(item).what());
    }
  }

  std::vector<const crm::ContactRole*> unused;
  for (const auto& role : existing)
    if (!wanted.contains(role_key(role.name)))
      unused.push_back(&role);
  if (!delete_unused) {
    for (const auto* role : unused)
      report.unused.push_back(role->name);
    co_return report;
  }
  for (std::size_t begin = 0; begin < unused.size(); begin += kMaxPerCall) {
    const std::size_t end = std::min(unused.size(), begin + kMaxPerCall);
    std::string ids;
    for (std::size_t i = begin; i < end; ++i)
      ids += (ids.empty() ? "" : ",") + unused[i]->id;
    ApiRequest del;
    del.method = "DELETE";
    del.path = "/Contacts/roles";
    del.query = {{"ids", ids}};
    ++report.api_calls;
    const http::HttpResponse response = co_await api_.send(std::move(del));
    auto items = crm::parse_item_results(response.body, "contact_roles");
    if (!items || items->size() != end - begin) {
      if (response.status >= 300)
        throw api_.error_for(response);
      throw ConnectorError(ErrorClass::transient, "crm: malformed contact-roles answer");
    }
    for (std::size_t i = begin; i < end; ++i) {
      const auto& item = (*items)[i - begin];
      // An id Zoho no longer knows was deleted meanwhile.
      if (item.ok || item.code == "INVALID_DATA")
        report.deleted.push_back(unused[i]->name);
      else
        report.failures.push_back(unused[i]->name + ": " + crm::item_error(item).what());
    }
  }
  co_return report;
}

}  // namespace zohosync::connectors
