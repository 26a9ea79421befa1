// GCC 12 reports a false -Wmismatched-new-delete on Asio's coroutine frames
// (awaitable_frame_base has matching class-level new/delete).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

// contracts.counterparty_contacts: the Connector over Zoho Contracts v1
// counterparty contacts. The email is the URL key, so it is the record id;
// update and delete answer only {"Type","emailId"}, so writes read the
// counterparty's contacts back to return what Contracts stored.

#include "connectors/contracts/contracts_connectors.hpp"
#include "connectors/http/http_date.hpp"

#include <spdlog/spdlog.h>

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <cctype>
#include <set>
#include <unordered_map>

#include "connectors/contracts/contracts_json.hpp"
#include "connectors/http/url.hpp"
#include "connectors/limits/api_client.hpp"

namespace zohosync::connectors {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

constexpr const char* kCollection = "contracts.counterparty_contacts";

std::string email_key(std::string_view email) {
  while (!email.empty() && std::isspace(static_cast<unsigned char>(email.front())))
    email.remove_prefix(1);
  while (!email.empty() && std::isspace(static_cast<unsigned char>(email.back())))
    email.remove_suffix(1);
  std::string key(email);
  for (char& c : key)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return key;
}

bool refused(const http::HttpResponse& response) {
  return response.status >= 400;
}

// The oldest of two records for one email (created_ms 0 = unknown sorts last).
bool older(const Record& a, const Record& b) {
  if (a.created_ms == 0 || b.created_ms == 0)
    return a.created_ms != 0 && b.created_ms == 0;
  return a.created_ms < b.created_ms;
}

class CounterpartyContacts final : public Connector {
 public:
  CounterpartyContacts(ApiClient& api, ContractsOptions options)
      : api_(api), options_(std::move(options)) {}

  std::string_view collection() const override { return kCollection; }

  asio::awaitable<Listing> list(std::string) override {
    // No modified-since filter exists: whatever `since` says, list everything.
    Listing listing;
    listing.full = true;
    std::size_t skipped = 0;
    const auto organizations = co_await organization_list(skipped);
    std::unordered_map<std::string, std::size_t> position;  // id -> index in records
    std::unordered_map<std::string, std::string> index;
    for (const std::string& organization : organizations) {
      auto contacts = co_await contacts_of(organization, skipped);
      for (Record& record : contacts) {
        auto [at, fresh] = position.emplace(record.id, listing.records.size());
        if (fresh) {
          listing.records.push_back(std::move(record));
          continue;
        }
        // One email in two counterparties: the id (the email) must name one
        // record, so the oldest stands for the person and the other waits.
        log().warn("[{}] one email in counterparties {} and {}; the older record is synced",
                   kCollection, listing.records[at->second].parent_id, record.parent_id);
        if (older(record, listing.records[at->second]))
          listing.records[at->second] = std::move(record);
      }
    }
    if (skipped > 0) {
      // A row we could not read looks deleted in a full listing: say it is not one.
      listing.full = false;
      log().warn("[{}] {} unreadable row(s) skipped; this listing infers no deletes", kCollection,
                 skipped);
    }
    for (const Record& record : listing.records)
      index[email_key(record.id)] = record.parent_id;
    index_ = std::move(index);
    listing.cursor = "full";
    co_return listing;
  }

  asio::awaitable<Record> create(std::string parent_id, Fields fields) override {
    const std::string organization =
        parent_id.empty() ? options_.default_counterparty : std::move(parent_id);
    if (organization.empty()) {
      throw ConnectorError(ErrorClass::configuration,
                           "contracts.counterparty_contacts: a create needs a counterparty "
                           "(default_counterparty)");
    }
    const std::string email = fields.count("emailId") ? fields.at("emailId") : std::string();
    ApiRequest request;
    request.method = "POST";
    request.path = users_path(organization);
    request.headers = {{"Content-Type", "application/json;charset=utf-8"}};
    request.body = body_of(fields);

    std::optional<http::HttpResponse> response;
    bool fate_unknown = false;
    try {
      response = co_await api_.send(std::move(request));
    } catch (const OutcomeUnknown&) {
      fate_unknown = true;
    }
    if (fate_unknown) {
      // The create may have happened: look before anyone creates again.
      if (auto found = co_await read_back(organization, email))
        co_return *found;
      throw ConnectorError(ErrorClass::transient,
                           "contracts.counterparty_contacts: a create's outcome is unknown and "
                           "the contact was not found; it will be tried again");
    }
    if (refused(*response))
      throw api_.error_for(*response);
    Record created = contracts_json::parse_created(response->body, organization);
    // The create answer holds the stored fields but no times: the answer's
    // Date is the second the contact was added. Reading it back instead costs
    // a listing of the whole counterparty per create (quadratic when many
    // people are created under the default counterparty).
    const std::string* date = response->header("Date");
    const auto added = date ? http::parse_http_date_ms(*date) : std::nullopt;
    if (added) {
      created.created_ms = *added;
      created.modified_ms = *added;
    } else if (auto stored = co_await read_back(organization, created.id)) {
      created = std::move(*stored);
    }
    index_[email_key(created.id)] = created.parent_id;
    co_return created;
  }

  asio::awaitable<Record> update(std::string id, std::string parent_id, Fields fields) override {
    std::string organization = std::move(parent_id);
    if (organization.empty()) {
      std::string wanted = id;
      if (auto found = co_await find_by_email(std::move(wanted)))
        organization = found->parent_id;
      else
        throw not_found(id);
    }
    ApiRequest request;
    request.method = options_.update_method;
    request.path = user_path(organization, id);
    request.headers = {{"Content-Type", "application/json;charset=utf-8"}};
    request.body = body_of(fields);
    request.idempotent = true;  // the same field values twice have the effect of once
    const http::HttpResponse response = co_await api_.send(std::move(request));
    if (refused(response)) {
      if (response.status == 404)
        throw not_found(id);
      throw api_.error_for(response);
    }
    // The URL key moves with the email: the answer names the new one.
    std::string now_email = contracts_json::parse_write_answer(response.body);
    if (now_email.empty())
      now_email = fields.count("emailId") ? fields.at("emailId") : id;
    index_.erase(email_key(id));
    std::optional<Record> stored = co_await read_back(organization, now_email);
    if (!stored) {
      // Updated but not listed (yet): what we sent is the best account of it.
      Record record;
      record.id = now_email;
      record.parent_id = organization;
      record.fields = std::move(fields);
      record.fields["emailId"] = now_email;
      stored = std::move(record);
    }
    index_[email_key(stored->id)] = organization;
    co_return std::move(*stored);
  }

  asio::awaitable<void> remove(std::string id, std::string parent_id) override {
    std::string organization = std::move(parent_id);
    if (organization.empty()) {
      std::string wanted = id;
      auto found = co_await find_by_email(std::move(wanted));
      if (!found)
        co_return;  // nowhere to be found: already gone
      organization = found->parent_id;
    }
    ApiRequest request;
    request.method = "DELETE";
    request.path = user_path(organization, id);
    const http::HttpResponse response = co_await api_.send(std::move(request));
    // Already gone (404) is what a delete wants.
    if (refused(response) && response.status != 404)
      throw api_.error_for(response);
    index_.erase(email_key(id));
    co_return;
  }

  asio::awaitable<std::optional<Record>> find_by_email(std::string email) override {
    const std::string key = email_key(email);
    std::set<std::string> asked;
    // The counterparty the last listing saw it in costs one request.
    if (auto it = index_.find(key); it != index_.end()) {
      const std::string organization = it->second;
      asked.insert(organization);
      if (auto found = co_await read_back(organization, email))
        co_return found;
    }
    // Otherwise every counterparty: one request each, plus the list of them.
    std::size_t skipped = 0;
    const auto organizations = co_await organization_list(skipped);
    std::optional<Record> best;
    for (const std::string& organization : organizations) {
      if (asked.count(organization))
        continue;
      auto contacts = co_await contacts_of(organization, skipped);
      for (Record& record : contacts) {
        if (email_key(record.id) == key && (!best || older(record, *best)))
          best = std::move(record);
      }
    }
    if (best)
      index_[key] = best->parent_id;
    co_return best;
  }

 private:
  spdlog::logger& log() const {
    return api_.options().logger ? *api_.options().logger : *spdlog::default_logger();
  }

  static std::string users_path(const std::string& organization) {
    return "/api/v1/counterparties/" + http::percent_encode(organization) + "/counterpartyusers";
  }
  static std::string user_path(const std::string& organization, const std::string& email) {
    return users_path(organization) + "/" + http::percent_encode(email) + "/";
  }
  static std::string body_of(const Fields& fields) {
    json::object body;
    for (const auto& [name, value] : fields)
      body[name] = value;
    return json::serialize(body);
  }
  static ConnectorError not_found(const std::string&) {
    return ConnectorError(ErrorClass::per_record,
                          "contracts.counterparty_contacts: no such counterparty contact",
                          "NOT_FOUND");
  }

  // A refused listing request is never one record's fault.
  [[noreturn]] void throw_listing_error(const http::HttpResponse& response) const {
    ConnectorError error = api_.error_for(response);
    if (error.error_class() == ErrorClass::per_record)
      throw ConnectorError(ErrorClass::fatal, error.what(), error.product_code());
    throw error;
  }

  asio::awaitable<std::vector<std::string>> organization_list(std::size_t& skipped) {
    if (!options_.organizations.empty())
      co_return options_.organizations;
    ApiRequest request;
    request.path = "/api/v1/counterparties";
    const http::HttpResponse response = co_await api_.send(std::move(request));
    if (refused(response))
      throw_listing_error(response);
    auto parsed = contracts_json::parse_counterparties(response.body);
    skipped += parsed.skipped.size();
    for (const auto& error : parsed.skipped)
      log().warn("[{}] counterparty row skipped: {}", kCollection, error.what());
    co_return std::move(parsed.organizations);
  }

  asio::awaitable<std::vector<Record>> contacts_of(std::string organization, std::size_t& skipped) {
    ApiRequest request;
    request.path = users_path(organization);
    request.query = {{"status", "all"}};  // without it only active contacts are listed
    const http::HttpResponse response = co_await api_.send(std::move(request));
    if (refused(response))
      throw_listing_error(response);
    auto parsed = contracts_json::parse_contacts(response.body, organization);
    skipped += parsed.skipped.size();
    for (const auto& error : parsed.skipped) {
      log().warn("[{}] contact row of counterparty {} skipped: {}", kCollection, organization,
                 error.what());
    }
    co_return std::move(parsed.records);
  }

  // The stored contact with `email` in one counterparty (case-insensitive).
  asio::awaitable<std::optional<Record>> read_back(std::string organization, std::string email) {
    std::size_t skipped = 0;
    auto contacts = co_await contacts_of(organization, skipped);
    const std::string key = email_key(email);
    for (Record& record : contacts) {
      if (email_key(record.id) == key)
        co_return std::move(record);
    }
    co_return std::nullopt;
  }

  ApiClient& api_;
  ContractsOptions options_;
  std::unordered_map<std::string, std::string> index_;  // email key -> organizationApiName
};

}  // namespace

std::unique_ptr<Connector> make_contracts_counterparty_contacts(ApiClient& api,
                                                                ContractsOptions options) {
  return std::make_unique<CounterpartyContacts>(api, std::move(options));
}

}  // namespace zohosync::connectors
