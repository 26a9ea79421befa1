// GCC 12 reports a false -Wmismatched-new-delete on Asio's coroutine frames
// (awaitable_frame_base has matching class-level new/delete).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

// projects.contacts: the Connector over Zoho Projects v3 client contacts.
// Every listing is full (no modified-since filter, no timestamps); an index
// email -> client from the last listing and our own writes lets lookups ask
// one client instead of all of them.

#include "connectors/projects/projects_connectors.hpp"

#include <spdlog/spdlog.h>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>

#include "common/email_address.hpp"
#include "connectors/batch/write_coalescer.hpp"
#include "connectors/http/url.hpp"
#include "connectors/limits/api_client.hpp"
#include "connectors/projects/projects_json.hpp"

namespace zohosync::connectors {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

constexpr const char* kCollection = "projects.contacts";
// Listing cursors: a pass over the clients done, or going on at a client.
constexpr const char* kPassDone = "full";
const std::string kPassAt = "pass:";
constexpr int kMaxRange = 200;  // Zoho cuts larger ranges to 200
// The largest create batch is not documented; 100 bounds a request body.
constexpr int kMaxCreateBatch = 100;

std::string email_of(const Record& record) {
  auto it = record.fields.find("email");
  return it == record.fields.end() ? std::string() : it->second;
}

bool refused(const http::HttpResponse& response) {
  return response.status >= 400;
}

// clientId is documented as a Long: send a number when it is one.
json::value id_value(const std::string& id) {
  if (!id.empty() && id.size() < 19 &&
      std::all_of(id.begin(), id.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return json::value(std::stoll(id));
  }
  return json::value(id);
}

class ProjectsContacts final : public Connector {
 public:
  ProjectsContacts(ApiClient& api, ProjectsOptions options)
      : api_(api),
        options_(std::move(options)),
        creates_(static_cast<std::size_t>(std::clamp(options_.create_batch, 1, kMaxCreateBatch)),
                 [this](std::vector<NewContact> items) { return create_many(std::move(items)); }) {
    if (options_.portal_id.empty()) {
      throw ConnectorError(ErrorClass::configuration,
                           "projects.contacts: no portal id configured (projects.portal_id)");
    }
    options_.range = std::clamp(options_.range, 1, kMaxRange);
    options_.clients_per_page = std::clamp(options_.clients_per_page, 1, kMaxRange);
    portal_path_ = "/api/v3/portal/" + http::percent_encode(options_.portal_id);
  }

  std::string_view collection() const override { return kCollection; }
  std::optional<ListingProgress> listing_progress() const override {
    return ListingProgress{pass_next_, pass_clients_.size(), passes_completed_, "client",
                           "clients"};
  }
  // Creates under one client go create_batch to a request.
  double requests_per_create() const override {
    return 1.0 / static_cast<double>(std::clamp(options_.create_batch, 1, kMaxCreateBatch));
  }

  asio::awaitable<Listing> list(std::string since) override {
    // No modified-since filter exists: each client's contacts are read whole.
    const bool sliced =
        options_.sliced_listings && (since == kPassDone || since.rfind(kPassAt, 0) == 0);
    Listing listing;
    // Two requests spare to start (one for a write this cycle plans), or all
    // the budget holds at once when that is less: a budget whose burst is
    // below two must still let a pass move.
    const double spare = std::min(2.0, std::max(1.0, api_.options().rate.burst));
    if (sliced && api_.requests_available_now() < spare) {
      // Nothing to spare now: this poll reads nothing rather than wait, and
      // leaves the request there for a write waiting in the outbox (writes
      // go first); the pass goes on at the next poll.
      listing.cursor = std::move(since);
      co_return listing;
    }
    std::size_t skipped = 0;
    const bool resumed =
        sliced && pass_next_ < pass_clients_.size() && since == kPassAt + pass_clients_[pass_next_];
    if (!resumed) {
      std::size_t unreadable_clients = 0;
      pass_clients_ = co_await client_ids(unreadable_clients);
      skipped += unreadable_clients;
      pass_next_ = 0;
      if (sliced && since.rfind(kPassAt, 0) == 0) {
        // A restart goes on where the pass stopped (from the start, should
        // that client be gone).
        auto at = std::find(pass_clients_.begin(), pass_clients_.end(),
                            since.substr(std::string_view(kPassAt).size()));
        if (at != pass_clients_.end())
          pass_next_ = static_cast<std::size_t>(at - pass_clients_.begin());
      }
      // Clients the list names, for the engine to confirm the linked ones
      // that are gone; not when a client row could not be read.
      if (unreadable_clients == 0)
        listing.existing_parents = pass_clients_;
    }
    const std::size_t first = pass_next_;
    std::unordered_map<std::string, std::string> index;
    while (pass_next_ < pass_clients_.size()) {
      // The first client takes what the budget holds now; after it, stop
      // while a request is still spare for the writes this cycle plans. The
      // next listing goes on from here.
      if (sliced && api_.requests_available_now() < (pass_next_ > first ? spare : 1.0))
        break;
      const std::string& client = pass_clients_[pass_next_];
      const std::size_t skipped_before = skipped;
      std::string no_search;
      auto records = co_await client_contacts(client, std::move(no_search), skipped);
      if (skipped == skipped_before)
        listing.complete_parents.push_back(client);
      for (Record& record : records) {
        index[common::normalize_email(email_of(record))] = client;
        listing.records.push_back(std::move(record));
      }
      ++pass_next_;
    }
    if (pass_next_ == pass_clients_.size())
      ++passes_completed_;
    const bool whole = !resumed && first == 0 && pass_next_ == pass_clients_.size();
    if (whole) {
      listing.full = true;
      listing.complete_parents.clear();
      listing.existing_parents.reset();
      index_ = std::move(index);
    } else {
      // The contacts of the clients read replace what the index said of them.
      std::set<std::string, std::less<>> read(pass_clients_.begin() + first,
                                              pass_clients_.begin() + pass_next_);
      std::erase_if(index_, [&](const auto& entry) { return read.count(entry.second) != 0; });
      for (auto& [email, client] : index)
        index_[email] = std::move(client);
    }
    if (skipped > 0) {
      // A row we could not read looks deleted in a full listing: say it is not one.
      listing.full = false;
      log().warn("[{}] {} unreadable row(s) skipped; this listing infers no deletes there",
                 kCollection, skipped);
    }
    listing.cursor = pass_next_ < pass_clients_.size() ? kPassAt + pass_clients_[pass_next_]
                                                       : std::string(kPassDone);
    co_return listing;
  }

  asio::awaitable<std::vector<std::string>> confirm_gone_parents(
      std::vector<std::string> parents) override {
    std::vector<std::string> gone;
    for (std::string& client : parents) {
      http::QueryParams query{{"index", "1"}, {"range", "1"}};
      const http::HttpResponse response = co_await get(contacts_path(client), std::move(query));
      if (!refused(response))
        continue;
      if (client_gone(response))
        gone.push_back(std::move(client));
      else
        throw_listing_error(response);
    }
    co_return gone;
  }

  asio::awaitable<Record> create(std::string parent_id, Fields fields) override {
    std::string client = parent_id.empty() ? options_.default_client_id : std::move(parent_id);
    if (client.empty()) {
      throw ConnectorError(ErrorClass::configuration,
                           "projects.contacts: a create needs a client id (default_client_id)");
    }
    // Creates that arrive together go out as one request per client. (Named:
    // GCC 12 destroys a temporary inside co_await twice.)
    NewContact item{std::move(client), std::move(fields)};
    co_return co_await creates_.submit(std::move(item));
  }

  asio::awaitable<Record> update(std::string id, std::string parent_id, Fields fields) override {
    json::object body;
    for (const auto& [name, value] : fields)
      body[name] = value;
    ApiRequest request;
    request.method = "PATCH";
    request.path = portal_path_ + "/contacts/" + http::percent_encode(id);
    request.headers = {{"Content-Type", "application/json;charset=utf-8"}};
    request.body = json::serialize(body);
    // The same PATCH twice has the effect of once.
    request.idempotent = true;
    const http::HttpResponse response = co_await api_.send(std::move(request));
    if (refused(response)) {
      ConnectorError error = api_.error_for(response);
      if (response.status == 404) {
        throw ConnectorError(ErrorClass::per_record, error.what(),
                             error.product_code().empty() ? "NOT_FOUND" : error.product_code());
      }
      throw error;
    }
    Record record = projects_json::parse_contact(response.body);
    if (record.parent_id.empty())
      record.parent_id = parent_id;
    index_[common::normalize_email(email_of(record))] = record.parent_id;
    co_return record;
  }

  asio::awaitable<void> remove(std::string id, std::string) override {
    ApiRequest request;
    request.method = "DELETE";
    request.path = portal_path_ + "/contacts/" + http::percent_encode(id);
    const http::HttpResponse response = co_await api_.send(std::move(request));
    // Already gone is what a delete wants.
    if (refused(response) && response.status != 404)
      throw api_.error_for(response);
    co_return;
  }

  // One page of one client (the portal id, the token, the clients scope),
  // and the default client creates go under.
  asio::awaitable<void> probe() override {
    http::QueryParams query{{"page", "1"}, {"per_page", "1"}};
    const http::HttpResponse response = co_await get(portal_path_ + "/clients", std::move(query));
    if (refused(response))
      throw_listing_error(response);
    if (options_.default_client_id.empty())
      co_return;
    http::QueryParams one{{"index", "1"}, {"range", "1"}};
    const http::HttpResponse contacts =
        co_await get(contacts_path(options_.default_client_id), std::move(one));
    if (client_gone(contacts))
      throw ConnectorError(ErrorClass::configuration, std::string("default client ") +
                                                          options_.default_client_id +
                                                          " does not exist (default_client_id)");
    if (refused(contacts))
      throw_listing_error(contacts);
  }

  asio::awaitable<std::optional<Record>> find_by_email(std::string email) override {
    std::optional<Record> found =
        co_await locate(std::move(email), options_.default_client_id, false);
    co_return found;
  }

 private:
  spdlog::logger& log() const {
    return api_.options().logger ? *api_.options().logger : *spdlog::default_logger();
  }

  asio::awaitable<http::HttpResponse> get(std::string path, http::QueryParams query) {
    ApiRequest request;
    request.path = std::move(path);
    request.query = std::move(query);
    http::HttpResponse response = co_await api_.send(std::move(request));
    co_return response;
  }

  // A refused listing request is never one record's fault.
  [[noreturn]] void throw_listing_error(const http::HttpResponse& response) const {
    ConnectorError error = api_.error_for(response);
    if (error.error_class() == ErrorClass::per_record)
      throw ConnectorError(ErrorClass::fatal, error.what(), error.product_code());
    throw error;
  }

  asio::awaitable<std::vector<std::string>> client_ids(std::size_t& skipped) {
    std::vector<std::string> ids;
    for (int page = 1;; ++page) {
      http::QueryParams query{{"page", std::to_string(page)},
                              {"per_page", std::to_string(options_.clients_per_page)}};
      const http::HttpResponse response = co_await get(portal_path_ + "/clients", std::move(query));
      if (refused(response))
        throw_listing_error(response);
      auto parsed = projects_json::parse_clients_page(response.body);
      skipped += parsed.skipped.size();
      for (const auto& error : parsed.skipped)
        log().warn("[{}] client row skipped: {}", kCollection, error.what());
      for (std::string& id : parsed.client_ids)
        ids.push_back(std::move(id));
      // has_more_page says when to stop; a short page stops too, whatever it says.
      if (!parsed.has_more || parsed.rows < static_cast<std::size_t>(options_.clients_per_page))
        break;
    }
    co_return ids;
  }

  std::string contacts_path(const std::string& client) const {
    return portal_path_ + "/client/" + http::percent_encode(client) + "/contacts";
  }

  // A client that is gone answers 404 INVALID_CLIENT for its contacts.
  bool client_gone(const http::HttpResponse& response) const {
    return response.status == 404 && api_.error_for(response).product_code() == "INVALID_CLIENT";
  }

  // One client's contacts (optionally filtered by search_string), paged with
  // index/range until a short page.
  asio::awaitable<std::vector<Record>> client_contacts(std::string client, std::string search,
                                                       std::size_t& skipped) {
    std::vector<Record> records;
    const std::string path = contacts_path(client);
    for (int index = 1;; index += options_.range) {
      http::QueryParams query{{"index", std::to_string(index)},
                              {"range", std::to_string(options_.range)}};
      if (!search.empty())
        query.emplace_back("search_string", search);
      const http::HttpResponse response = co_await get(path, std::move(query));
      if (refused(response)) {
        // The client was removed between the client list and now: it has no contacts.
        if (client_gone(response))
          break;
        throw_listing_error(response);
      }
      auto page = projects_json::parse_contacts_page(response.body);
      skipped += page.skipped.size();
      for (const auto& error : page.skipped)
        log().warn("[{}] contact row of client {} skipped: {}", kCollection, client, error.what());
      for (Record& record : page.records) {
        if (record.parent_id.empty())
          record.parent_id = client;
        records.push_back(std::move(record));
      }
      if (page.rows < static_cast<std::size_t>(options_.range))
        break;
    }
    co_return records;
  }

  // The contact holding `email` in one client, via search_string.
  asio::awaitable<std::optional<Record>> search_client(std::string client, std::string email) {
    const std::string wanted = common::normalize_email(email);
    std::size_t skipped = 0;
    // search_string matches substrings case-insensitively: the key (no blanks
    // around it, no trailing dot) is inside every spelling of the address, and
    // the key decides among what it matches.
    std::string search = wanted;
    auto records = co_await client_contacts(client, std::move(search), skipped);
    std::optional<Record> found;
    for (Record& record : records) {
      if (common::normalize_email(email_of(record)) == wanted) {
        found = std::move(record);
        break;
      }
    }
    co_return found;
  }

  // Where a contact with `email` lives: the client the index names, then
  // `first_client`, then (when `scan` or the options say so) every client.
  // Email is unique per portal, so the first match is the only one.
  struct NewContact {
    std::string client;
    Fields fields;
  };

  // One batch of creates: a request per client (at most create_batch
  // contacts each, as the coalescer hands them over), outcomes in order.
  asio::awaitable<std::vector<batch::Outcome<Record>>> create_many(std::vector<NewContact> items) {
    std::vector<batch::Outcome<Record>> outcomes(items.size());
    std::vector<std::string> clients;
    for (const NewContact& item : items) {
      if (std::find(clients.begin(), clients.end(), item.client) == clients.end())
        clients.push_back(item.client);
    }
    for (const std::string& client : clients) {
      std::vector<std::size_t> at;
      std::vector<Fields> contacts;
      for (std::size_t i = 0; i < items.size(); ++i) {
        if (items[i].client == client) {
          at.push_back(i);
          contacts.push_back(items[i].fields);
        }
      }
      std::vector<batch::Outcome<Record>> done = co_await create_under(client, std::move(contacts));
      for (std::size_t k = 0; k < at.size(); ++k)
        outcomes[at[k]] = std::move(done[k]);
    }
    co_return outcomes;
  }

  // POST /contacts with every contact of one client; each contact's outcome
  // from the answer: created (201), already a contact (the 207 detail
  // EXISTING_USER_OR_CONTACT, or a 400 with it when none was created: linked),
  // or missing from the answer (looked up). A refusal of the whole request
  // for one contact's data is retried contact by contact, so one bad contact
  // does not hold back the others.
  asio::awaitable<std::vector<batch::Outcome<Record>>> create_under(std::string client,
                                                                    std::vector<Fields> contacts) {
    json::array rows;
    for (const Fields& fields : contacts) {
      json::object contact;
      for (const auto& [name, value] : fields)
        contact[name] = value;
      rows.push_back(std::move(contact));
    }
    json::object body{{"clientId", id_value(client)}, {"contacts", std::move(rows)}};
    ApiRequest request;
    request.method = "POST";
    request.path = portal_path_ + "/contacts";
    request.headers = {{"Content-Type", "application/json;charset=utf-8"}};
    request.body = json::serialize(body);

    std::vector<batch::Outcome<Record>> outcomes(contacts.size());
    std::optional<http::HttpResponse> response;
    bool fate_unknown = false;
    try {
      response = co_await api_.send(std::move(request));
    } catch (const OutcomeUnknown&) {
      fate_unknown = true;
    }
    if (fate_unknown) {
      // The creates may have happened: look before anyone creates again.
      // Should they not have, a second create is still safe (Projects
      // refuses a second contact with the same email, which becomes a link).
      for (std::size_t i = 0; i < contacts.size(); ++i) {
        std::string email = email_in(contacts[i]);
        if (auto found = co_await locate(std::move(email), client, false))
          outcomes[i].value = std::move(*found);
        else
          outcomes[i].error = std::make_exception_ptr(ConnectorError(
              ErrorClass::transient,
              "projects.contacts: a create's outcome is unknown and the contact was not found; "
              "it will be tried again"));
      }
      co_return outcomes;
    }

    std::map<std::string, Record> created;  // email key -> the created contact
    std::set<std::string> existing;         // email keys Projects already holds
    if (refused(*response)) {
      ConnectorError error = api_.error_for(*response);
      if (error.product_code() == "EXISTING_USER_OR_CONTACT") {
        for (const std::string& email : projects_json::parse_error_values(response->body))
          existing.insert(common::normalize_email(email));
        if (existing.empty() && contacts.size() == 1)
          existing.insert(common::normalize_email(email_in(contacts.front())));
      } else if (error.error_class() == ErrorClass::per_record && contacts.size() > 1) {
        for (std::size_t i = 0; i < contacts.size(); ++i) {
          std::vector<Fields> one{std::move(contacts[i])};
          std::vector<batch::Outcome<Record>> alone = co_await create_under(client, std::move(one));
          outcomes[i] = std::move(alone.front());
        }
        co_return outcomes;
      } else {
        for (auto& outcome : outcomes)
          outcome.error = std::make_exception_ptr(error);
        co_return outcomes;
      }
    } else {
      auto answer = projects_json::parse_create_answer(response->body);
      for (Record& record : answer.created) {
        if (record.parent_id.empty())
          record.parent_id = client;
        index_[common::normalize_email(email_of(record))] = record.parent_id;
        created.emplace(common::normalize_email(email_of(record)), std::move(record));
      }
      for (const std::string& email : answer.existing_emails)
        existing.insert(common::normalize_email(email));
    }
    for (std::size_t i = 0; i < contacts.size(); ++i) {
      const std::string key = common::normalize_email(email_in(contacts[i]));
      if (auto it = created.find(key); it != created.end()) {
        outcomes[i].value = it->second;
        continue;
      }
      // Email is unique per portal: the person is already a contact (link to
      // it) or a portal user (which this collection cannot hold). Neither
      // created nor refused: the answer left it out; look it up.
      const bool already = existing.count(key) != 0;
      std::string email = email_in(contacts[i]);
      if (auto found = co_await locate(std::move(email), client, already)) {
        outcomes[i].value = std::move(*found);
      } else if (already) {
        outcomes[i].error = std::make_exception_ptr(ConnectorError(
            ErrorClass::per_record,
            "projects.contacts: the email belongs to a portal user or a contact that cannot be "
            "read, not to a client contact",
            "EXISTING_USER_OR_CONTACT"));
      } else {
        outcomes[i].error = std::make_exception_ptr(ConnectorError(
            ErrorClass::transient, "projects.contacts: a create answered " +
                                       std::to_string(response->status) +
                                       " without this contact, and it is not there; it will be "
                                       "tried again"));
      }
    }
    co_return outcomes;
  }

  static std::string email_in(const Fields& fields) {
    auto it = fields.find("email");
    return it == fields.end() ? std::string() : it->second;
  }

  asio::awaitable<std::optional<Record>> locate(std::string email, std::string first_client,
                                                bool scan) {
    const std::string key = common::normalize_email(email);
    std::set<std::string> asked;
    std::vector<std::string> order;
    if (auto it = index_.find(key); it != index_.end())
      order.push_back(it->second);
    if (!first_client.empty())
      order.push_back(first_client);
    for (const std::string& client : order) {
      if (!asked.insert(client).second)
        continue;
      auto found = co_await search_client(client, email);
      if (found) {
        index_[key] = found->parent_id;
        co_return found;
      }
    }
    if (!scan && !options_.find_scans_all_clients)
      co_return std::nullopt;
    std::size_t skipped = 0;
    const auto clients = co_await client_ids(skipped);
    for (const std::string& client : clients) {
      if (!asked.insert(client).second)
        continue;
      auto found = co_await search_client(client, email);
      if (found) {
        index_[key] = found->parent_id;
        co_return found;
      }
    }
    index_.erase(key);
    co_return std::nullopt;
  }

  ApiClient& api_;
  ProjectsOptions options_;
  std::string portal_path_;
  std::unordered_map<std::string, std::string> index_;  // email key -> client id
  // The pass over the client companies a sliced listing is making, and the
  // next client it reads.
  std::vector<std::string> pass_clients_;
  std::size_t pass_next_ = 0;
  std::uint64_t passes_completed_ = 0;
  batch::WriteCoalescer<NewContact, Record> creates_;
};

}  // namespace

std::unique_ptr<Connector> make_projects_contacts(ApiClient& api, ProjectsOptions options) {
  return std::make_unique<ProjectsContacts>(api, std::move(options));
}

}  // namespace zohosync::connectors
