// GCC 12 reports a false -Wmismatched-new-delete on Asio's coroutine frames
// (awaitable_frame_base has matching class-level new/delete).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

// contracts.counterparty_contacts: the Connector over Zoho Contracts v1
// counterparty contacts. A contact's identity is the id its rows carry; the
// email is only the URL key of an update or delete, and it moves when a user
// edits it. So every write first finds the contact's current email (from the
// last answer that named the id, else by reading its counterparty), and a 404
// there means "edited meanwhile": read again, then retry once. Update and
// delete answer only {"Type","emailId"}, so an update reads the counterparty's
// contacts back to return what Contracts stored.

#include "connectors/contracts/contracts_connectors.hpp"

#include <spdlog/spdlog.h>

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <set>
#include <unordered_map>

#include "common/email_address.hpp"
#include "common/wire_time.hpp"
#include "connectors/contracts/contracts_json.hpp"
#include "connectors/http/url.hpp"
#include "connectors/limits/api_client.hpp"

namespace zohosync::connectors {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

constexpr const char* kCollection = "contracts.counterparty_contacts";
// The cursors of a sliced listing: a pass ended (the next one starts over),
// or the counterparty it goes on from.
constexpr const char* kPassDone = "full";
constexpr const char* kPassAt = "pass:";

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

  std::optional<ListingProgress> listing_progress() const override {
    return ListingProgress{pass_next_, pass_organizations_.size(), passes_completed_,
                           "counterparty", "counterparties"};
  }

  asio::awaitable<Listing> list(std::string since) override {
    // No modified-since filter exists: each counterparty's contacts are read
    // whole, every one of them (a one-shot run), or in slices the request
    // budget holds now, a pass over them spread over polls (the daemon).
    const bool sliced =
        options_.sliced_listings && (since == kPassDone || since.rfind(kPassAt, 0) == 0);
    Listing listing;
    // Two requests spare to start (one for a write this cycle plans), or all
    // the burst when that is less.
    const double spare = std::min(2.0, std::max(1.0, api_.options().rate.burst));
    if (sliced && api_.requests_available_now() < spare) {
      listing.cursor = std::move(since);  // nothing read; the pass goes on next poll
      co_return listing;
    }
    std::size_t skipped = 0;
    const bool resumed = sliced && pass_next_ < pass_organizations_.size() &&
                         since == kPassAt + pass_organizations_[pass_next_];
    if (!resumed) {
      std::size_t unreadable = 0;
      pass_organizations_ = co_await organization_list(unreadable);
      skipped += unreadable;
      pass_next_ = 0;
      if (sliced && since.rfind(kPassAt, 0) == 0) {
        // A restart goes on where the pass stopped.
        auto at = std::find(pass_organizations_.begin(), pass_organizations_.end(),
                            since.substr(std::string_view(kPassAt).size()));
        if (at != pass_organizations_.end())
          pass_next_ = static_cast<std::size_t>(at - pass_organizations_.begin());
      }
    }
    const std::size_t first = pass_next_;
    if (!sliced) {
      // This listing replaces what earlier answers said about where contacts
      // are (contacts_of remembers what it reads).
      addresses_.clear();
      email_index_.clear();
    }
    while (pass_next_ < pass_organizations_.size()) {
      if (sliced && api_.requests_available_now() < (pass_next_ > first ? spare : 1.0))
        break;
      const std::string& organization = pass_organizations_[pass_next_];
      if (sliced)
        forget_organization(organization);  // what it holds now replaces what it held
      // One email in two counterparties is two contacts (two ids): the
      // engine links the older one and reports the other as a duplicate.
      const std::size_t skipped_before = skipped;
      std::vector<Record> contacts = co_await contacts_of(organization, skipped);
      if (skipped == skipped_before)
        listing.complete_parents.push_back(organization);
      for (Record& record : contacts)
        listing.records.push_back(std::move(record));
      ++pass_next_;
    }
    if (pass_next_ == pass_organizations_.size()) {
      ++passes_completed_;
      if (sliced)
        index_complete_ = true;  // every counterparty read since this process began
    }
    listing.full = !resumed && first == 0 && pass_next_ == pass_organizations_.size();
    if (listing.full) {
      listing.complete_parents.clear();
      if (!sliced)
        index_complete_ = true;
    }
    if (skipped > 0) {
      // A row we could not read looks deleted in a full listing: say it is not one.
      listing.full = false;
      log().warn("[{}] {} unreadable row(s) skipped; this listing infers no deletes", kCollection,
                 skipped);
    }
    listing.cursor = pass_next_ < pass_organizations_.size()
                         ? kPassAt + pass_organizations_[pass_next_]
                         : std::string(kPassDone);
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
    // people are created under the default counterparty). An answer without
    // the contact's id is read back all the same: the id is its identity.
    const std::string* date = response->header("Date");
    const auto added = date ? common::parse_http_date_ms(*date) : std::nullopt;
    if (added && !created.id.empty()) {
      created.created_ms = *added;
      created.modified_ms = *added;
    } else if (auto stored = co_await read_back(organization, email_of(created))) {
      created = std::move(*stored);
    }
    if (created.id.empty()) {
      throw ConnectorError(ErrorClass::transient,
                           "contracts.counterparty_contacts: a created contact was not found by "
                           "its email; it is looked up again before any new create");
    }
    remember(created);
    co_return created;
  }

  asio::awaitable<Record> update(std::string id, std::string parent_id, Fields fields) override {
    std::optional<Address> address = co_await locate(id, parent_id, /*fresh=*/false);
    if (!address)
      throw not_found();
    http::HttpResponse response = co_await send_to(*address, options_.update_method, &fields);
    if (response.status == 404 && !legacy_key(id)) {
      // Its email was edited in Contracts since we last read it: read again.
      address = co_await locate(id, address->organization, /*fresh=*/true);
      if (!address)
        throw not_found();
      response = co_await send_to(*address, options_.update_method, &fields);
    }
    if (refused(response)) {
      if (response.status == 404)
        throw not_found();
      throw api_.error_for(response);
    }
    // The URL key moves with the email: the answer names the new one.
    std::string now_email = contracts_json::parse_write_answer(response.body);
    if (now_email.empty())
      now_email = fields.count("emailId") ? fields.at("emailId") : address->email;
    forget(id);
    // A contact addressed by a legacy key is found by its email; its id
    // comes back in the answer and the link takes it.
    std::optional<Record> stored;
    if (legacy_key(id))
      stored = co_await read_back(address->organization, now_email);
    else
      stored = co_await read_back_id(address->organization, id);
    if (!stored) {
      // Updated but not listed (yet): what we sent is the best account of it.
      Record record;
      record.id = id;
      record.parent_id = address->organization;
      record.fields = std::move(fields);
      record.fields["emailId"] = now_email;
      stored = std::move(record);
    }
    remember(*stored);
    co_return std::move(*stored);
  }

  asio::awaitable<void> remove(std::string id, std::string parent_id) override {
    std::optional<Address> address = co_await locate(id, parent_id, /*fresh=*/false);
    if (!address)
      co_return;  // nowhere to be found: already gone
    http::HttpResponse response = co_await send_to(*address, "DELETE", nullptr);
    if (response.status == 404 && !legacy_key(id)) {
      // Gone, or its email was edited meanwhile: only a fresh read tells.
      address = co_await locate(id, address->organization, /*fresh=*/true);
      if (!address) {
        forget(id);
        co_return;
      }
      response = co_await send_to(*address, "DELETE", nullptr);
    }
    // Already gone (404) is what a delete wants.
    if (refused(response) && response.status != 404)
      throw api_.error_for(response);
    forget(id);
    co_return;
  }

  // Each configured counterparty's contacts (one request each: every
  // organizationApiName is checked), or the list of counterparties when none
  // is configured; then the default counterparty's, when it is another.
  asio::awaitable<void> probe() override {
    std::size_t skipped = 0;
    if (options_.organizations.empty())
      (void)co_await organization_list(skipped);
    for (const std::string& organization : options_.organizations)
      (void)co_await contacts_of(organization, skipped);
    // The counterparty creates go under.
    const std::string& fallback = options_.default_counterparty;
    if (!fallback.empty() && std::find(options_.organizations.begin(), options_.organizations.end(),
                                       fallback) == options_.organizations.end()) {
      try {
        (void)co_await contacts_of(fallback, skipped);
      } catch (const ConnectorError& error) {
        throw ConnectorError(
            error.error_class(),
            "default counterparty " + fallback + " (default_counterparty): " + error.what(),
            error.product_code());
      }
    }
  }

  asio::awaitable<std::optional<Record>> find_by_email(std::string email) override {
    const std::string key = common::normalize_email(email);
    std::set<std::string> asked;
    // The counterparty the last listing saw it in costs one request.
    if (auto it = email_index_.find(key); it != email_index_.end()) {
      const std::string organization = it->second;
      asked.insert(organization);
      if (auto found = co_await read_back(organization, email))
        co_return found;
    }
    // A daemon reading in slices has seen every counterparty once its first
    // pass ended: an email its index does not hold is not there (a contact
    // added since is found by the next pass; the engine then reports the two
    // as a duplicate). Until then, and in a one-shot run, every counterparty
    // is asked: one request each, plus the list of them.
    if (options_.sliced_listings && index_complete_)
      co_return std::nullopt;
    std::size_t skipped = 0;
    const auto organizations = co_await organization_list(skipped);
    std::optional<Record> best;
    for (const std::string& organization : organizations) {
      if (asked.count(organization))
        continue;
      std::vector<Record> contacts = co_await contacts_of(organization, skipped);
      for (Record& record : contacts) {
        if (common::normalize_email(email_of(record)) == key && (!best || older(record, *best)))
          best = std::move(record);
      }
    }
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
  static ConnectorError not_found() {
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
    // Every answer naming contacts says where they are now: the next write
    // addresses them without a read.
    for (const Record& record : parsed.records)
      remember(record);
    co_return std::move(parsed.records);
  }

  // Where a contact is addressed now: its counterparty and current email.
  struct Address {
    std::string email;
    std::string organization;
  };

  static std::string email_of(const Record& record) {
    auto it = record.fields.find("emailId");
    return it == record.fields.end() ? std::string() : it->second;
  }

  // Before contacts were keyed by their id, the email was the key: an outbox
  // entry written then still names one (ids never hold an '@').
  static bool legacy_key(std::string_view id) { return id.find('@') != std::string_view::npos; }

  void remember(const Record& record) {
    const std::string email = email_of(record);
    addresses_[record.id] = Address{email, record.parent_id};
    email_index_[common::normalize_email(email)] = record.parent_id;
  }
  // Drops what the index says of one counterparty's contacts.
  void forget_organization(const std::string& organization) {
    for (auto it = addresses_.begin(); it != addresses_.end();) {
      if (it->second.organization == organization) {
        if (auto at = email_index_.find(common::normalize_email(it->second.email));
            at != email_index_.end() && at->second == organization)
          email_index_.erase(at);
        it = addresses_.erase(it);
      } else {
        ++it;
      }
    }
  }
  void forget(const std::string& id) {
    if (auto it = addresses_.find(id); it != addresses_.end()) {
      email_index_.erase(common::normalize_email(it->second.email));
      addresses_.erase(it);
    }
  }

  // The contact's current address. Without `fresh`, the last answer that
  // named it says where it is (no request); otherwise, or when none did, its
  // counterparty is read (every counterparty when it is not known).
  asio::awaitable<std::optional<Address>> locate(std::string id, std::string organization,
                                                 bool fresh) {
    if (legacy_key(id)) {
      if (organization.empty()) {
        auto found = co_await find_by_email(id);
        if (!found)
          co_return std::nullopt;
        organization = found->parent_id;
      }
      co_return Address{id, organization};
    }
    if (!fresh) {
      if (auto it = addresses_.find(id);
          it != addresses_.end() &&
          (organization.empty() || it->second.organization == organization))
        co_return it->second;
    }
    std::vector<std::string> organizations;
    std::size_t skipped = 0;
    if (!organization.empty())
      organizations.push_back(organization);
    else
      organizations = co_await organization_list(skipped);
    for (const std::string& each : organizations) {
      // contacts_of remembers where each contact it reads is now.
      const std::vector<Record> contacts = co_await contacts_of(each, skipped);
      if (auto it = addresses_.find(id); it != addresses_.end() && it->second.organization == each)
        co_return it->second;
    }
    co_return std::nullopt;
  }

  // An update (with `fields`) or a delete (without) at the contact's address.
  asio::awaitable<http::HttpResponse> send_to(const Address& address, std::string_view method,
                                              const Fields* fields) {
    ApiRequest request;
    request.method = std::string(method);
    request.path = user_path(address.organization, address.email);
    if (fields != nullptr) {
      request.headers = {{"Content-Type", "application/json;charset=utf-8"}};
      request.body = body_of(*fields);
      request.idempotent = true;  // the same field values twice have the effect of once
    }
    co_return co_await api_.send(std::move(request));
  }

  // The stored contact of one counterparty with `email` (case-insensitive;
  // the oldest of several).
  asio::awaitable<std::optional<Record>> read_back(std::string organization, std::string email) {
    std::size_t skipped = 0;
    std::vector<Record> contacts = co_await contacts_of(organization, skipped);
    const std::string key = common::normalize_email(email);
    std::optional<Record> best;
    for (Record& record : contacts) {
      if (common::normalize_email(email_of(record)) == key && (!best || older(record, *best)))
        best = std::move(record);
    }
    co_return best;
  }

  // The stored contact of one counterparty with `id`.
  asio::awaitable<std::optional<Record>> read_back_id(std::string organization, std::string id) {
    std::size_t skipped = 0;
    std::vector<Record> contacts = co_await contacts_of(organization, skipped);
    std::optional<Record> found;
    for (Record& record : contacts) {
      if (record.id == id)
        found = std::move(record);
    }
    co_return found;
  }

  ApiClient& api_;
  ContractsOptions options_;
  // What the latest answers said: record id -> current address, and email key
  // -> counterparty (find_by_email's first guess).
  std::unordered_map<std::string, Address> addresses_;
  std::unordered_map<std::string, std::string> email_index_;
  // True once every counterparty has been read since the process began (a
  // pass ended): the index then holds every contact's email.
  bool index_complete_ = false;
  // The pass over the counterparties a sliced listing is making, and the
  // next one it reads.
  std::vector<std::string> pass_organizations_;
  std::size_t pass_next_ = 0;
  std::uint64_t passes_completed_ = 0;
};

}  // namespace

std::unique_ptr<Connector> make_contracts_counterparty_contacts(ApiClient& api,
                                                                ContractsOptions options) {
  return std::make_unique<CounterpartyContacts>(api, std::move(options));
}

}  // namespace zohosync::connectors
