#include "connectors/crm/crm_contacts_connector.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <set>
#include <tuple>

#include "common/email_address.hpp"
#include "common/wire_time.hpp"
#include "connectors/crm/crm_json.hpp"
#include "connectors/limits/api_client.hpp"

namespace zohosync::connectors {

namespace asio = boost::asio;
using batch::Outcome;

namespace {

// Zoho refuses `page` past 2,000 records; from there on only page_token works.
constexpr std::size_t kDiscretePagingLimit = 2000;
// A listing that keeps saying "more" is cut off here rather than looping forever.
constexpr std::size_t kMaxPages = 100'000;
constexpr std::size_t kMaxIdsPerCall = 100;

std::string email_of(const Fields& fields) {
  const auto it = fields.find("Email");
  return it == fields.end() ? std::string() : common::normalize_email(it->second);
}

std::string join(const std::vector<std::string>& ids, std::size_t begin, std::size_t end) {
  std::string out;
  for (std::size_t i = begin; i < end; ++i) {
    if (!out.empty())
      out += ',';
    out += ids[i];
  }
  return out;
}

std::int64_t local_now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

// The server's time of an answer, to anchor the cursor on the clock that
// stamps Modified_Time; ours when the server sent no Date.
std::int64_t server_time_ms(const http::HttpResponse& response, std::int64_t fallback) {
  if (const auto* date = response.header("Date"))
    if (auto ms = common::parse_http_date_ms(*date))
      return *ms;
  return fallback;
}

// Splits `count` items into consecutive chunks of at most `max`, starting a new
// chunk where `key(i)` repeats inside the current one (two writes to the same
// email or id in one call would race each other inside Zoho).
template <class Key>
std::vector<std::pair<std::size_t, std::size_t>> chunks(std::size_t count, std::size_t max,
                                                        Key key) {
  std::vector<std::pair<std::size_t, std::size_t>> out;
  std::set<std::string> seen;
  std::size_t begin = 0;
  for (std::size_t i = 0; i < count; ++i) {
    std::string k = key(i);
    if (i - begin == max || (!k.empty() && seen.contains(k))) {
      out.emplace_back(begin, i);
      begin = i;
      seen.clear();
    }
    if (!k.empty())
      seen.insert(std::move(k));
  }
  if (begin < count)
    out.emplace_back(begin, count);
  return out;
}

}  // namespace

std::unique_ptr<Connector> make_crm_contacts_connector(ApiClient& api, CrmContactsOptions options) {
  return std::make_unique<CrmContactsConnector>(api, std::move(options));
}

CrmContactsConnector::CrmContactsConnector(ApiClient& api, CrmContactsOptions options)
    : api_(api),
      options_(std::move(options)),
      creates_(std::min(options_.max_batch, kMaxIdsPerCall),
               [this](std::vector<Fields> records) { return create_many(std::move(records)); }),
      updates_(std::min(options_.max_batch, kMaxIdsPerCall),
               [this](std::vector<Update> records) { return update_many(std::move(records)); }),
      removes_(std::min(options_.max_batch, kMaxIdsPerCall),
               [this](std::vector<std::string> ids) { return remove_many(std::move(ids)); }) {
  options_.per_page = std::clamp<std::size_t>(options_.per_page, 1, 200);
  options_.max_batch = std::clamp<std::size_t>(options_.max_batch, 1, kMaxIdsPerCall);
}

// ---- listing ----

asio::awaitable<Listing> CrmContactsConnector::list(std::string since) {
  Listing listing;
  const std::int64_t started_ms = local_now_ms();
  std::optional<std::int64_t> since_ms;
  if (!since.empty()) {
    since_ms = crm::parse_time_ms(since);
    if (!since_ms)
      spdlog::warn("[crm.contacts] unreadable cursor; listing everything instead");
  }
  listing.full = !since_ms;
  const std::string modified_since =
      since_ms ? crm::format_time(*since_ms - options_.overlap.count() * 1000) : std::string();
  std::optional<std::int64_t> anchor_ms;

  std::size_t page = 1;
  std::string page_token;
  for (std::size_t pages = 0;; ++pages) {
    if (pages == kMaxPages) {
      listing.complete = false;
      break;
    }
    ApiRequest request;
    request.path = "/Contacts";
    request.query = {{"fields", crm::fields_param(options_.extra_fields)},
                     {"per_page", std::to_string(options_.per_page)},
                     {"sort_by", "id"},
                     {"sort_order", "asc"}};
    if (page_token.empty())
      request.query.emplace_back("page", std::to_string(page));
    else
      request.query.emplace_back("page_token", page_token);
    if (!modified_since.empty())
      request.headers.emplace_back("If-Modified-Since", modified_since);
    const http::HttpResponse response = co_await api_.send(std::move(request));
    if (!anchor_ms)
      anchor_ms = server_time_ms(response, started_ms);
    if (response.status == 304 || response.status == 204)
      break;  // nothing (more) changed / no records
    if (response.status != 200)
      throw api_.error_for(response);
    crm::RecordPage parsed = crm::parse_record_page(response.body, options_.extra_fields);
    for (const auto& skipped : parsed.skipped)
      spdlog::warn("[crm.contacts] {}", skipped.what());
    for (auto& record : parsed.records)
      listing.records.push_back(std::move(record));
    if (!parsed.more_records)
      break;
    if (!page_token.empty() || (page + 1) * options_.per_page > kDiscretePagingLimit) {
      if (parsed.next_page_token.empty())
        throw ConnectorError(ErrorClass::transient, "crm: more records past " +
                                                        std::to_string(listing.records.size()) +
                                                        " but no next_page_token");
      page_token = std::move(parsed.next_page_token);
    } else {
      ++page;
    }
  }

  if (since_ms && options_.list_deleted) {
    std::string deleted_since = modified_since;
    listing.deleted = co_await list_deleted(std::move(deleted_since));
  }
  listing.cursor = crm::format_time(anchor_ms.value_or(started_ms));
  co_return listing;
}

asio::awaitable<std::vector<std::string>> CrmContactsConnector::list_deleted(std::string since) {
  std::vector<std::string> ids;
  for (std::size_t page = 1; page <= kDiscretePagingLimit / 200; ++page) {
    ApiRequest request;
    request.path = "/Contacts/deleted";
    // all = recycle bin + permanently deleted: either way the record is gone.
    request.query = {{"type", "all"}, {"per_page", "200"}, {"page", std::to_string(page)}};
    request.headers.emplace_back("If-Modified-Since", since);
    const http::HttpResponse response = co_await api_.send(std::move(request));
    if (response.status == 304 || response.status == 204)
      break;
    if (response.status != 200)
      throw api_.error_for(response);
    crm::DeletedPage parsed = crm::parse_deleted_page(response.body);
    ids.insert(ids.end(), parsed.ids.begin(), parsed.ids.end());
    if (!parsed.more_records)
      break;
  }
  co_return ids;
}

// ---- per-record interface ----

asio::awaitable<Record> CrmContactsConnector::create(std::string /*parent_id*/, Fields fields) {
  if (options_.coalesce_writes)
    co_return co_await creates_.submit(std::move(fields));
  std::vector<Fields> one;
  one.push_back(std::move(fields));
  auto outcomes = co_await create_many(std::move(one));
  if (outcomes.at(0).error)
    std::rethrow_exception(outcomes[0].error);
  co_return std::move(*outcomes[0].value);
}

asio::awaitable<Record> CrmContactsConnector::update(std::string id, std::string /*parent_id*/,
                                                     Fields fields) {
  Update item(std::move(id), std::move(fields));
  if (options_.coalesce_writes)
    co_return co_await updates_.submit(std::move(item));
  std::vector<Update> one;
  one.push_back(std::move(item));
  auto outcomes = co_await update_many(std::move(one));
  if (outcomes.at(0).error)
    std::rethrow_exception(outcomes[0].error);
  co_return std::move(*outcomes[0].value);
}

asio::awaitable<void> CrmContactsConnector::remove(std::string id, std::string /*parent_id*/) {
  if (options_.coalesce_writes) {
    co_await removes_.submit(std::move(id));
    co_return;
  }
  std::vector<std::string> one;
  one.push_back(std::move(id));
  auto outcomes = co_await remove_many(std::move(one));
  if (outcomes.at(0).error)
    std::rethrow_exception(outcomes[0].error);
}

asio::awaitable<std::optional<Record>> CrmContactsConnector::find_by_email(std::string email) {
  const std::string want = common::normalize_email(email);
  std::optional<Record> oldest;
  if (want.empty())
    co_return oldest;
  // Zoho is asked for the key and matches it case-insensitively; the answer is
  // filtered by the key here. Whether Zoho also ignores a trailing dot is not
  // known, so a record stored as "a@x.com." may not be in the answer at all.
  for (std::size_t page = 1; page <= 10; ++page) {
    ApiRequest request;
    request.path = "/Contacts/search";
    request.query = {{"email", want},
                     {"fields", crm::fields_param(options_.extra_fields)},
                     {"per_page", "200"},
                     {"page", std::to_string(page)}};
    const http::HttpResponse response = co_await api_.send(std::move(request));
    if (response.status == 204 || response.status == 304)
      break;
    if (response.status != 200)
      throw api_.error_for(response);
    crm::RecordPage parsed = crm::parse_record_page(response.body, options_.extra_fields);
    for (auto& record : parsed.records) {
      const auto it = record.fields.find("Email");
      // Zoho's match may be looser than the key.
      if (it == record.fields.end() || common::normalize_email(it->second) != want)
        continue;
      const auto key = [](const Record& r) {
        // Unknown creation time sorts last; ids break ties (numeric strings).
        return std::make_tuple(r.created_ms == 0 ? INT64_MAX : r.created_ms, r.id.size(), r.id);
      };
      if (!oldest || key(record) < key(*oldest))
        oldest = std::move(record);
    }
    if (!parsed.more_records)
      break;
  }
  co_return oldest;
}

asio::awaitable<void> CrmContactsConnector::probe() {
  // Named first: no temporary with a destructor inside the co_await.
  auto lookup = Connector::probe();
  co_await std::move(lookup);
  if (options_.extra_fields.empty())
    co_return;
  ApiRequest request;
  request.path = "/settings/fields";
  request.query = {{"module", "Contacts"}};
  const http::HttpResponse response = co_await api_.send(std::move(request));
  if (response.status != 200)
    throw api_.error_for(response);
  const std::vector<std::string> known = crm::parse_field_names(response.body);
  std::string unknown;
  std::set<std::string_view> named;
  for (const auto& field : options_.extra_fields) {
    if (std::find(known.begin(), known.end(), field) == known.end() &&
        named.insert(field).second)
      unknown += (unknown.empty() ? "" : ", ") + field;
  }
  if (!unknown.empty()) {
    throw ConnectorError(ErrorClass::configuration,
                         "include rules name fields the Contacts module does not have: " + unknown +
                             " (rules use API names, as Setup > Developer Hub > APIs and SDKs > "
                             "API Names lists them)");
  }
}

// ---- batches ----

asio::awaitable<std::vector<Outcome<Record>>> CrmContactsConnector::create_many(
    std::vector<Fields> records) {
  std::vector<Outcome<Record>> out(records.size());
  const auto parts = chunks(records.size(), options_.max_batch,
                            [&](std::size_t i) { return email_of(records[i]); });
  for (const auto& [begin, end] : parts) {
    std::vector<Fields> chunk(std::make_move_iterator(records.begin() + begin),
                              std::make_move_iterator(records.begin() + end));
    std::vector<Outcome<Record>> answered;
    try {
      answered = co_await create_chunk(std::move(chunk));
    } catch (...) {
      answered.assign(end - begin, Outcome<Record>{std::nullopt, std::current_exception()});
    }
    std::move(answered.begin(), answered.end(), out.begin() + begin);
  }
  co_return out;
}

asio::awaitable<std::vector<Outcome<Record>>> CrmContactsConnector::update_many(
    std::vector<Update> records) {
  std::vector<Outcome<Record>> out(records.size());
  const auto parts =
      chunks(records.size(), options_.max_batch, [&](std::size_t i) { return records[i].first; });
  for (const auto& [begin, end] : parts) {
    std::vector<Update> chunk(std::make_move_iterator(records.begin() + begin),
                              std::make_move_iterator(records.begin() + end));
    std::vector<Outcome<Record>> answered;
    try {
      answered = co_await update_chunk(std::move(chunk));
    } catch (...) {
      answered.assign(end - begin, Outcome<Record>{std::nullopt, std::current_exception()});
    }
    std::move(answered.begin(), answered.end(), out.begin() + begin);
  }
  co_return out;
}

asio::awaitable<std::vector<Outcome<bool>>> CrmContactsConnector::remove_many(
    std::vector<std::string> ids) {
  std::vector<Outcome<bool>> out(ids.size());
  const auto parts = chunks(ids.size(), options_.max_batch, [&](std::size_t i) { return ids[i]; });
  for (const auto& [begin, end] : parts) {
    std::vector<std::string> chunk(ids.begin() + begin, ids.begin() + end);
    std::vector<Outcome<bool>> answered;
    try {
      answered = co_await remove_chunk(std::move(chunk));
    } catch (...) {
      answered.assign(end - begin, Outcome<bool>{std::nullopt, std::current_exception()});
    }
    std::move(answered.begin(), answered.end(), out.begin() + begin);
  }
  co_return out;
}

namespace {

// The per-item results of a write answer, one per record sent.
std::vector<crm::ItemResult> item_results(ApiClient& api, const http::HttpResponse& response,
                                          std::size_t sent) {
  auto items = crm::parse_item_results(response.body, "data");
  if (!items) {
    if (response.status >= 300)
      throw api.error_for(response);  // a whole-request refusal (LIMIT_EXCEEDED, scope, ...)
    throw ConnectorError(ErrorClass::transient, "crm: malformed write answer");
  }
  if (items->size() != sent)
    throw ConnectorError(ErrorClass::transient, "crm: write answer has " +
                                                    std::to_string(items->size()) +
                                                    " results for " + std::to_string(sent));
  return std::move(*items);
}

}  // namespace

asio::awaitable<std::vector<Outcome<Record>>> CrmContactsConnector::create_chunk(
    std::vector<Fields> records) {
  ApiRequest request;
  request.method = "POST";
  request.path = "/Contacts/upsert";
  request.headers.emplace_back("Content-Type", "application/json");
  request.body = crm::upsert_body(records);
  // Keyed by Email: sending it twice updates the record the first one made.
  // Without an email there is no key, and a retry could duplicate.
  request.idempotent = std::all_of(records.begin(), records.end(),
                                   [](const Fields& f) { return !email_of(f).empty(); });
  request.credits = static_cast<std::int64_t>((records.size() + 9) / 10);
  ++write_calls_;
  const http::HttpResponse response = co_await api_.send(std::move(request));
  const auto items = item_results(api_, response, records.size());

  std::vector<std::string> written;
  for (const auto& item : items)
    if (item.ok && !item.id.empty())
      written.push_back(item.id);
  const auto stored = co_await read_back(written);
  std::vector<Outcome<Record>> out(items.size());
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (!items[i].ok) {
      out[i].error = std::make_exception_ptr(crm::item_error(items[i]));
    } else if (auto it = stored.find(items[i].id); it != stored.end()) {
      out[i].value = it->second;
    } else {
      out[i].error = std::make_exception_ptr(
          ConnectorError(ErrorClass::transient,
                         "crm: record " + items[i].id + " written but not found on read-back"));
    }
  }
  co_return out;
}

asio::awaitable<std::vector<Outcome<Record>>> CrmContactsConnector::update_chunk(
    std::vector<Update> records) {
  ApiRequest request;
  request.method = "PUT";
  request.path = "/Contacts";
  request.headers.emplace_back("Content-Type", "application/json");
  request.body = crm::update_body(records);
  request.credits = static_cast<std::int64_t>((records.size() + 9) / 10);
  ++write_calls_;
  const http::HttpResponse response = co_await api_.send(std::move(request));
  const auto items = item_results(api_, response, records.size());

  std::vector<std::string> written;
  for (std::size_t i = 0; i < items.size(); ++i)
    if (items[i].ok)
      written.push_back(records[i].first);
  const auto stored = co_await read_back(written);
  std::vector<Outcome<Record>> out(items.size());
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (!items[i].ok) {
      out[i].error = std::make_exception_ptr(crm::item_error(items[i]));
    } else if (auto it = stored.find(records[i].first); it != stored.end()) {
      out[i].value = it->second;
    } else {
      out[i].error = std::make_exception_ptr(ConnectorError(
          ErrorClass::transient,
          "crm: record " + records[i].first + " updated but not found on read-back"));
    }
  }
  co_return out;
}

asio::awaitable<std::vector<Outcome<bool>>> CrmContactsConnector::remove_chunk(
    std::vector<std::string> ids) {
  ApiRequest request;
  request.method = "DELETE";
  request.path = "/Contacts";
  request.query = {{"ids", join(ids, 0, ids.size())}, {"wf_trigger", "false"}};
  ++write_calls_;
  const http::HttpResponse response = co_await api_.send(std::move(request));
  const auto items = item_results(api_, response, ids.size());
  std::vector<Outcome<bool>> out(items.size());
  for (std::size_t i = 0; i < items.size(); ++i) {
    // An id Zoho no longer knows is already gone: deletes are idempotent.
    if (items[i].ok || items[i].code == "INVALID_DATA" || items[i].code == "NOT_FOUND")
      out[i].value = true;
    else
      out[i].error = std::make_exception_ptr(crm::item_error(items[i]));
  }
  co_return out;
}

asio::awaitable<std::map<std::string, Record>> CrmContactsConnector::read_back(
    std::vector<std::string> ids) {
  std::map<std::string, Record> out;
  for (std::size_t begin = 0; begin < ids.size(); begin += kMaxIdsPerCall) {
    const std::size_t end = std::min(ids.size(), begin + kMaxIdsPerCall);
    ApiRequest request;
    request.path = "/Contacts";
    request.query = {{"ids", join(ids, begin, end)},
                     {"fields", crm::fields_param(options_.extra_fields)}};
    const http::HttpResponse response = co_await api_.send(std::move(request));
    if (response.status == 204)
      continue;
    if (response.status != 200)
      throw api_.error_for(response);
    for (auto& record : crm::parse_record_page(response.body, options_.extra_fields).records)
      out.emplace(record.id, std::move(record));
  }
  co_return out;
}

}  // namespace zohosync::connectors
