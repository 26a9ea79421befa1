// inventory.contact_persons: persons listed per contact, contacts found by
// their last_modified_time (the behaviour is described in
// inventory_connectors.hpp).

// GCC 12 reports a false -Wmismatched-new-delete on Asio's coroutine frames
// (awaitable_frame_base has matching class-level new/delete).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>
#include <set>

#include "common/email_address.hpp"
#include "common/wire_time.hpp"
#include "connectors/inventory/inventory_connectors.hpp"
#include "connectors/inventory/inventory_cursor.hpp"
#include "connectors/inventory/inventory_json.hpp"
#include "connectors/inventory/inventory_request.hpp"
#include "connectors/limits/clock.hpp"
#include "connectors/limits/retry_policy.hpp"

namespace zohosync::connectors {

namespace {

using namespace inventory;
namespace json = boost::json;

// Bounds every paging loop: 200 per page, far beyond any real organization.
constexpr int kMaxPages = 100'000;

class ContactPersonsConnector final : public Connector {
 public:
  ContactPersonsConnector(ApiClient& api, InventoryContactPersonsOptions options)
      : requests_(api, options.organization_id), options_(std::move(options)) {
    options_.per_page = std::clamp(options_.per_page, 1, 200);
    std::string_view ids = options_.default_contact_id;
    while (!ids.empty()) {
      const auto comma = ids.find(',');
      std::string_view id = ids.substr(0, comma);
      ids = comma == std::string_view::npos ? std::string_view() : ids.substr(comma + 1);
      while (!id.empty() && id.front() == ' ')
        id.remove_prefix(1);
      while (!id.empty() && id.back() == ' ')
        id.remove_suffix(1);
      if (!id.empty())
        default_contacts_.emplace_back(id);
    }
  }

  std::string_view collection() const override { return "inventory.contact_persons"; }

  boost::asio::awaitable<Listing> list(std::string since) override {
    auto cursor = decode_cursor(since);
    if (!since.empty() && !cursor)
      log().warn("[inventory.contact_persons] unreadable cursor; scanning in full");
    // Both kinds of listing read every contacts page first; the first
    // answer's Date then says what time it is on Inventory's clock, which
    // the schedule runs on, as the cursor's times do: a local clock set
    // wrong (a year ahead, say) moves nothing stored.
    ContactPages pages = co_await read_contact_pages();
    const std::int64_t now = pages.listed_ms;
    if (cursor && cursor->full_scan_ms > now) {
      // Written while a clock was ahead: waiting for that time would stop
      // full scans (and the person edits only they find) until then.
      if (!warned_future_full_scan_) {
        log().warn(
            "[inventory.contact_persons] the last full scan is dated {} s in the future (a "
            "clock was ahead); the schedule counts from now instead",
            (cursor->full_scan_ms - now) / 1000);
        warned_future_full_scan_ = true;
      }
      cursor->full_scan_ms = now;
    }
    const bool scheduled =
        cursor && now - cursor->full_scan_ms >= options_.full_scan_interval.count();
    // `pages` goes by reference: GCC 12 mishandles a by-value argument
    // (a temporary with a destructor) inside a co_await expression.
    if (!cursor || (scheduled && !options_.sliced_listings))
      co_return co_await full_scan(pages);
    if (scheduled && cursor->sweep_from_ms == 0) {
      cursor->sweep_from_ms = now;  // edits before now are what this sweep sees
      cursor->swept.clear();
    }
    Listing listing = co_await incremental(*cursor, pages);
    if (cursor->sweep_from_ms > 0)
      co_await sweep_slice(*cursor, pages, listing);
    co_return listing;
  }

  // check-config --online: the default contacts creates go under exist (one
  // request each), then the lookup every connector makes.
  boost::asio::awaitable<void> probe() override {
    for (const auto& contact_id : default_contacts_) {
      http::QueryParams query{{"page", "1"}, {"per_page", "1"}};
      std::string path = "/contacts/" + contact_id + "/contactpersons";
      auto response =
          co_await requests_.send("GET", std::move(path), std::move(query), std::string());
      if (InventoryRequests::is_missing(response))
        throw ConnectorError(ErrorClass::configuration, "default contact " + contact_id +
                                                            " does not exist (default_contact_id)");
      requests_.ensure_ok(response);
    }
    auto lookup = find_by_email(std::string("zohosync-online-check@example.invalid"));
    co_await std::move(lookup);
  }

  std::optional<ListingProgress> listing_progress() const override {
    if (!options_.sliced_listings)
      return std::nullopt;
    return ListingProgress{sweep_read_, sweep_total_, sweeps_completed_,
                           "contact",   "contacts",   options_.full_scan_interval.count()};
  }

  boost::asio::awaitable<Record> create(std::string parent_id, Fields fields) override {
    // The planner names the configured default (the whole list) as the parent
    // of a person new to Inventory: that, like no parent, means one of them.
    const std::string contact_id = parent_id.empty() || parent_id == options_.default_contact_id
                                       ? default_contact()
                                       : parent_id;
    if (contact_id.empty()) {
      throw ConnectorError(ErrorClass::configuration,
                           "inventory.contact_persons: a create needs a parent contact and no "
                           "default contact id is configured");
    }
    std::string body = write_body(contact_id, fields);
    http::HttpResponse response;
    bool outcome_unknown = false;
    try {
      http::QueryParams none;
      response = co_await requests_.send("POST", "/contacts/contactpersons", std::move(none),
                                         std::move(body));
    } catch (const OutcomeUnknown&) {
      outcome_unknown = true;
    }
    if (outcome_unknown) {
      // The create may have happened: look for it before anyone sends it again.
      auto found = co_await find_created(contact_id, fields);
      if (found)
        co_return std::move(*found);
      throw ConnectorError(ErrorClass::transient,
                           "inventory.contact_persons: create under contact " + contact_id +
                               " had no answer and is not there; it may be sent again");
    }
    requests_.ensure_ok(response);
    auto row = parse_person_write(response.body);
    if (row.contact_id.empty())
      row.contact_id = contact_id;
    const auto answered = date_of(response);
    co_return co_await remember_written(std::move(row), answered);
  }

  boost::asio::awaitable<Record> update(std::string id, std::string parent_id,
                                        Fields fields) override {
    std::string contact_id = parent_id;
    if (contact_id.empty()) {
      if (auto it = person_contact_.find(id); it != person_contact_.end())
        contact_id = it->second;
    }
    if (contact_id.empty()) {
      throw ConnectorError(ErrorClass::per_record, "inventory.contact_persons: contact person " +
                                                       id + " has no known parent contact");
    }
    // Inventory wants first_name on every update; send the whole person so
    // that fields we were not asked to change stay as they are.
    std::string person_path = "/contacts/" + contact_id + "/contactpersons/" + id;
    http::QueryParams no_query;
    auto current =
        co_await requests_.send("GET", std::move(person_path), std::move(no_query), std::string());
    requests_.ensure_ok(current);
    Fields merged = parse_person(current.body).fields;
    for (auto& [name, value] : fields)
      merged[name] = std::move(value);
    std::string put_path = "/contacts/contactpersons/" + id;
    http::QueryParams put_query;
    std::string put_body = write_body(contact_id, merged);
    auto response = co_await requests_.send("PUT", std::move(put_path), std::move(put_query),
                                            std::move(put_body));
    requests_.ensure_ok(response);
    auto row = parse_person_write(response.body);
    if (row.contact_id.empty())
      row.contact_id = contact_id;
    const auto answered = date_of(response);
    co_return co_await remember_written(std::move(row), answered);
  }

  boost::asio::awaitable<void> remove(std::string id, std::string) override {
    std::string path = "/contacts/contactpersons/" + id;
    http::QueryParams query;
    auto response =
        co_await requests_.send("DELETE", std::move(path), std::move(query), std::string());
    if (!InventoryRequests::is_missing(response))  // already gone: done
      requests_.ensure_ok(response);
    forget_person(id);
  }

  boost::asio::awaitable<std::vector<std::string>> confirm_gone_parents(
      std::vector<std::string> parents) override {
    // Paging by last_modified_time is not a snapshot: a contact deleted
    // meanwhile shifts the rest up a row, so one may have been skipped. Each
    // absent contact is asked for by id (contacts are seldom deleted).
    std::vector<std::string> gone;
    for (std::string& contact_id : parents) {
      std::string path = "/contacts/" + contact_id;
      http::QueryParams no_query;
      auto response =
          co_await requests_.send("GET", std::move(path), std::move(no_query), std::string());
      if (InventoryRequests::is_missing(response)) {
        contacts_.erase(contact_id);
        gone.push_back(std::move(contact_id));
        continue;
      }
      requests_.ensure_ok(response);
    }
    co_return gone;
  }

  boost::asio::awaitable<std::optional<Record>> find_by_email(std::string email) override {
    const std::string wanted = common::normalize_email(email);
    if (wanted.empty())
      co_return std::nullopt;
    // Contacts whose listed (primary) person has the email: one call.
    std::map<std::string, std::int64_t> contacts;
    http::QueryParams query{{"email", wanted}, {"per_page", std::to_string(options_.per_page)}};
    auto response = co_await requests_.send("GET", "/contacts", std::move(query), std::string());
    requests_.ensure_ok(response);
    auto page = parse_contacts_page(response.body);
    learn_contact_types(page);
    for (const auto& row : page.contacts)
      contacts[row.contact_id] = row.modified_ms;
    // The default contacts, where our own creates go: a process that resumes
    // a create after a crash has listed nothing yet, and a person created
    // there by the process that died is no contact's primary person.
    for (const auto& contact_id : default_contacts_)
      contacts.emplace(contact_id, contact_time(contact_id));
    // Other persons with the email that a listing showed us.
    for (const auto& [person_id, person_email] : person_email_) {
      if (person_email != wanted)
        continue;
      if (auto it = person_contact_.find(person_id); it != person_contact_.end())
        contacts.emplace(it->second, contact_time(it->second));
    }
    std::optional<Record> best;
    for (const auto& [contact_id, modified_ms] : contacts) {
      auto persons = co_await read_persons(contact_id);
      if (!persons)
        continue;
      for (auto& row : *persons) {
        auto it = row.fields.find("email");
        if (it == row.fields.end() || common::normalize_email(it->second) != wanted)
          continue;
        if (!best || older_id(row.person_id, best->id))
          best = to_record(std::move(row), contact_id, modified_ms);
      }
    }
    co_return best;
  }

 private:
  struct ContactState {
    std::int64_t modified_ms = 0;
    std::set<std::string> persons;
  };

  // Of the default contacts, the one with the fewest persons known (from
  // listings and this connector's creates); the first listed on a tie. Inventory
  // answers a person write, and a read of the contact, with every person of
  // the contact: creates piled under one contact make each answer bigger than
  // the last, spread over several they stay small.
  std::string default_contact() const {
    const std::string* best = nullptr;
    std::size_t fewest = 0;
    for (const auto& id : default_contacts_) {
      auto it = contacts_.find(id);
      const std::size_t persons = it == contacts_.end() ? 0 : it->second.persons.size();
      if (best == nullptr || persons < fewest) {
        best = &id;
        fewest = persons;
      }
    }
    return best == nullptr ? std::string() : *best;
  }

  spdlog::logger& log() {
    const auto& logger = requests_.api().options().logger;
    return logger ? *logger : *spdlog::default_logger();
  }

  std::int64_t now_ms() {
    const Clock& clock = options_.clock ? *options_.clock : system_clock_;
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               clock.wall_now().time_since_epoch())
        .count();
  }

  void learn_contact_types(const ContactsPage& page) {
    if (!options_.carry_contact_type)
      return;
    for (const auto& row : page.contacts) {
      if (!row.contact_type.empty())
        contact_types_[row.contact_id] = row.contact_type;
    }
  }

  std::int64_t contact_time(const std::string& contact_id) const {
    auto it = contacts_.find(contact_id);
    return it == contacts_.end() ? 0 : it->second.modified_ms;
  }

  Record to_record(PersonRow row, const std::string& contact_id, std::int64_t modified_ms) const {
    Record record;
    record.id = std::move(row.person_id);
    record.parent_id = row.contact_id.empty() ? contact_id : std::move(row.contact_id);
    record.fields = std::move(row.fields);
    if (options_.carry_contact_type) {
      // A contact no list has shown yet (a default contact before the first
      // listing) has no type here: the field is left out, not guessed.
      if (auto type = contact_types_.find(record.parent_id); type != contact_types_.end())
        record.fields["contact_type"] = type->second;
    }
    record.modified_ms = modified_ms;  // the contact's time: persons have none of their own
    record.created_ms = 0;
    return record;
  }

  static std::string write_body(const std::string& contact_id, const Fields& fields) {
    json::object body;
    body["contact_id"] = contact_id;
    for (std::string_view name : kPersonFields) {
      if (auto it = fields.find(name); it != fields.end())
        body[name] = it->second;
    }
    return json::serialize(body);
  }

  void learn_person(const std::string& contact_id, const PersonRow& row) {
    contacts_[contact_id].persons.insert(row.person_id);
    person_contact_[row.person_id] = contact_id;
    auto it = row.fields.find("email");
    person_email_[row.person_id] =
        it == row.fields.end() ? std::string() : common::normalize_email(it->second);
  }

  void forget_person(const std::string& person_id) {
    if (auto it = person_contact_.find(person_id); it != person_contact_.end()) {
      if (auto c = contacts_.find(it->second); c != contacts_.end())
        c->second.persons.erase(person_id);
      person_contact_.erase(it);
    }
    person_email_.erase(person_id);
  }

  // A written person as the next listing will show it: with its contact's
  // last_modified_time after the write. Persons have no time of their own and
  // whether (and to what) a person write moves its contact's time is
  // Inventory's business, so the contact is read back (one call), until a
  // read-back has shown that the write moved the contact's time to the second
  // Inventory answered in (its Date): from then on that second is the time,
  // without the read (one call per write instead of two). `answered_ms` is
  // the write answer's Date; nullopt when there was no answer to read it from.
  boost::asio::awaitable<Record> remember_written(PersonRow row,
                                                  std::optional<std::int64_t> answered_ms) {
    const std::string contact_id = row.contact_id;
    learn_person(contact_id, row);
    std::int64_t modified_ms = 0;
    if (answered_ms && writes_move_contact_ == Known::yes) {
      modified_ms = second_of(*answered_ms) * 1000;
    } else {
      const auto read = co_await read_contact_time(contact_id);
      // The write it follows has happened: when the read fails, the time a
      // listing showed stands in (a wrong time costs one echo; failing a done
      // write would send it again).
      modified_ms = read.value_or(contact_time(contact_id));
      if (read && answered_ms && writes_move_contact_ == Known::unknown)
        writes_move_contact_ = second_of(*read) == second_of(*answered_ms) ? Known::yes : Known::no;
    }
    co_return to_record(std::move(row), contact_id, modified_ms);
  }

  // The contact's last_modified_time now; nullopt when it could not be read.
  boost::asio::awaitable<std::optional<std::int64_t>> read_contact_time(
      const std::string& contact_id) {
    std::string path = "/contacts/" + contact_id;
    http::QueryParams no_query;
    std::optional<std::int64_t> read;
    try {
      auto response =
          co_await requests_.send("GET", std::move(path), std::move(no_query), std::string());
      requests_.ensure_ok(response);
      read = parse_contact(response.body).modified_ms;
    } catch (const ConnectorError& error) {
      log().warn("[inventory.contact_persons] contact {}: time after a write unread: {}",
                 contact_id, error.what());
    }
    co_return read;
  }

  // After a create whose answer was lost: a person under the contact with the
  // email we sent that no listing had shown us before.
  boost::asio::awaitable<std::optional<Record>> find_created(const std::string& contact_id,
                                                             const Fields& fields) {
    auto wanted_it = fields.find("email");
    if (wanted_it == fields.end() || common::normalize_email(wanted_it->second).empty())
      co_return std::nullopt;
    const std::string wanted = common::normalize_email(wanted_it->second);
    auto persons = co_await read_persons(contact_id);
    if (!persons)
      co_return std::nullopt;
    std::optional<PersonRow> newest;
    for (auto& row : *persons) {
      auto it = row.fields.find("email");
      if (it == row.fields.end() || common::normalize_email(it->second) != wanted ||
          person_contact_.count(row.person_id)) {
        continue;
      }
      if (!newest || older_id(newest->person_id, row.person_id))
        newest = std::move(row);
    }
    if (!newest)
      co_return std::nullopt;
    newest->contact_id = contact_id;
    co_return co_await remember_written(std::move(*newest), std::nullopt);
  }

  // Every person of one contact (paged); nullopt when the contact is gone.
  boost::asio::awaitable<std::optional<std::vector<PersonRow>>> read_persons(
      const std::string& contact_id) {
    std::vector<PersonRow> persons;
    for (int page = 1; page <= kMaxPages; ++page) {
      http::QueryParams query{{"page", std::to_string(page)},
                              {"per_page", std::to_string(options_.per_page)}};
      std::string path = "/contacts/" + contact_id + "/contactpersons";
      auto response =
          co_await requests_.send("GET", std::move(path), std::move(query), std::string());
      if (InventoryRequests::is_missing(response))
        co_return std::nullopt;
      requests_.ensure_ok(response);
      auto parsed = parse_persons_page(response.body);
      for (const auto& why : parsed.skipped)
        log().warn("[inventory.contact_persons] contact {}: {}", contact_id, why);
      for (auto& row : parsed.persons)
        persons.push_back(std::move(row));
      if (!parsed.has_more_page)
        break;
    }
    co_return persons;
  }

  // When Inventory answered, on its clock (the answer's Date); ours when the
  // answer carries none.
  // The answer's Date on Inventory's clock; nullopt when it has none.
  static std::optional<std::int64_t> date_of(const http::HttpResponse& response) {
    if (const auto* date = response.header("Date"))
      return common::parse_http_date_ms(*date);
    return std::nullopt;
  }

  std::int64_t answered_ms(const http::HttpResponse& response) {
    if (const auto* date = response.header("Date"))
      if (auto ms = common::parse_http_date_ms(*date))
        return *ms;
    return now_ms();
  }

  static std::int64_t second_of(std::int64_t ms) { return ms >= 0 ? ms / 1000 : (ms - 999) / 1000; }

  // One page of contacts, newest first; `answered` is when Inventory answered.
  boost::asio::awaitable<ContactsPage> contacts_page(int page, std::int64_t& answered) {
    http::QueryParams query{{"sort_column", "last_modified_time"},
                            {"sort_order", "D"},
                            {"page", std::to_string(page)},
                            {"per_page", std::to_string(options_.per_page)}};
    auto response = co_await requests_.send("GET", "/contacts", std::move(query), std::string());
    requests_.ensure_ok(response);
    answered = answered_ms(response);
    auto parsed = parse_contacts_page(response.body);
    for (const auto& why : parsed.skipped)
      log().warn("[inventory.contact_persons] contacts page {}: {}", page, why);
    learn_contact_types(parsed);
    co_return parsed;
  }

  static void note_newest(PersonsCursor& cursor, const ContactRow& row) {
    if (row.modified_ms > cursor.newest_ms) {
      cursor.newest_ms = row.modified_ms;
      cursor.at_newest.clear();
    }
    if (row.modified_ms == cursor.newest_ms)
      cursor.at_newest.insert(row.contact_id);
  }

  // Every contacts page, newest first, in page order: a contact edited
  // while they are read moves to a page already read and shifts the rest
  // down, so it may come twice but is never missed.
  struct ContactPages {
    std::vector<ContactRow> rows;
    std::int64_t listed_ms = 0;  // the first answer's Date (Inventory's clock)
  };
  boost::asio::awaitable<ContactPages> read_contact_pages() {
    ContactPages pages;
    for (int page = 1; page <= kMaxPages; ++page) {
      std::int64_t answered = 0;
      auto parsed = co_await contacts_page(page, answered);
      if (page == 1)
        pages.listed_ms = answered;
      for (auto& row : parsed.contacts)
        pages.rows.push_back(std::move(row));
      if (!parsed.has_more_page)
        break;
    }
    co_return pages;
  }

  boost::asio::awaitable<Listing> full_scan(ContactPages& pages) {
    std::vector<ContactRow> contacts;
    std::set<std::string> seen;
    for (auto& row : pages.rows) {
      if (seen.insert(row.contact_id).second)
        contacts.push_back(std::move(row));
    }
    Listing listing;
    listing.full = true;
    PersonsCursor cursor;
    // When Inventory answered the first page (its clock), as `listed`.
    cursor.full_scan_ms = pages.listed_ms;
    cursor.listed_ms = pages.listed_ms;
    contacts_.clear();
    person_contact_.clear();
    person_email_.clear();
    for (const auto& contact : contacts) {
      note_newest(cursor, contact);
      auto persons = co_await read_persons(contact.contact_id);
      if (!persons)
        continue;  // deleted since the contacts page: its persons are gone too
      contacts_[contact.contact_id].modified_ms = contact.modified_ms;
      for (auto& row : *persons) {
        learn_person(contact.contact_id, row);
        listing.records.push_back(
            to_record(std::move(row), contact.contact_id, contact.modified_ms));
      }
    }
    listing.cursor = encode_cursor(cursor);
    log().info("[inventory.contact_persons] full scan: {} contacts, {} persons", contacts.size(),
               listing.records.size());
    co_return listing;
  }

  // A full scan spread over polls: after the incremental part of `listing`,
  // the contacts after `cursor.swept` (in id order) read whole, as many as the
  // request budget holds now (the first one whatever it holds, so a sweep
  // always moves), each named complete so the engine infers deletes under it.
  boost::asio::awaitable<void> sweep_slice(PersonsCursor& cursor, ContactPages& pages,
                                           Listing& listing) {
    std::map<std::string, std::int64_t> contacts;  // id -> last_modified_time, in id order
    for (const auto& row : pages.rows)
      contacts.emplace(row.contact_id, row.modified_ms);
    const std::set<std::string> read_now(listing.complete_parents.begin(),
                                         listing.complete_parents.end());
    const ApiClient& api = requests_.api();
    const double spare = std::min(2.0, std::max(1.0, api.options().rate.burst));
    auto next = cursor.swept.empty() ? contacts.begin() : contacts.upper_bound(cursor.swept);
    sweep_total_ = contacts.size();
    sweep_read_ = static_cast<std::size_t>(std::distance(contacts.begin(), next));
    bool first = true;
    for (; next != contacts.end(); ++next) {
      if (api.requests_available_now() < (first ? 1.0 : spare))
        break;
      first = false;
      const auto& [contact_id, modified_ms] = *next;
      if (!read_now.count(contact_id)) {
        auto persons = co_await read_persons(contact_id);
        if (auto known = contacts_.find(contact_id); known != contacts_.end()) {
          const std::set<std::string> before = known->second.persons;
          for (const auto& person_id : before)
            forget_person(person_id);
        }
        if (persons) {
          contacts_[contact_id].modified_ms = modified_ms;
          for (auto& row : *persons) {
            learn_person(contact_id, row);
            listing.records.push_back(to_record(std::move(row), contact_id, modified_ms));
          }
        } else {
          contacts_.erase(contact_id);
        }
        listing.complete_parents.push_back(contact_id);
      }
      cursor.swept = contact_id;
      ++sweep_read_;
    }
    if (next == contacts.end()) {
      log().info("[inventory.contact_persons] full scan spread over polls done: {} contacts",
                 contacts.size());
      cursor.full_scan_ms = cursor.sweep_from_ms;
      cursor.sweep_from_ms = 0;
      cursor.swept.clear();
      ++sweeps_completed_;
      sweep_read_ = 0;
    }
    listing.cursor = encode_cursor(cursor);
  }

  boost::asio::awaitable<Listing> incremental(PersonsCursor& cursor, ContactPages& pages) {
    std::vector<ContactRow> changed;
    std::set<std::string> changed_ids;
    bool older_reached = false;
    // The "at" contacts were read after the newest second ended only when the
    // previous listing began in a later second: then an edit since would have
    // moved their time. Otherwise an edit later in that second left their time
    // as it was, and they are read again.
    const bool at_newest_settled = second_of(cursor.listed_ms) > second_of(cursor.newest_ms);
    // Every page, not only the changed contacts at the top: the ids of all
    // contacts tell which are gone, and a contact deleted in Inventory takes
    // its persons with it (one call per 200 contacts; reading persons is one
    // call per contact).
    std::vector<std::string> existing;
    for (auto& row : pages.rows) {
      existing.push_back(row.contact_id);
      if (older_reached || row.modified_ms < cursor.newest_ms) {
        older_reached = true;  // newest first: everything after is older too
        continue;
      }
      if (at_newest_settled && row.modified_ms == cursor.newest_ms &&
          cursor.at_newest.count(row.contact_id))
        continue;  // read by an earlier listing, after this second ended
      if (changed_ids.insert(row.contact_id).second)
        changed.push_back(std::move(row));  // once, though a page shift may repeat it
    }
    Listing listing;
    listing.existing_parents = std::move(existing);
    cursor.listed_ms = pages.listed_ms;
    for (const auto& contact : changed) {
      note_newest(cursor, contact);
      // Every person of the contact, or an error (the listing then fails as a
      // whole): a contact is named complete only once all its pages are read.
      auto persons = co_await read_persons(contact.contact_id);
      // What this connector knew of the contact goes: it is re-learnt from
      // the read (find_by_email and the spread of creates use it).
      if (auto known = contacts_.find(contact.contact_id); known != contacts_.end()) {
        const std::set<std::string> before = known->second.persons;
        for (const auto& person_id : before)
          forget_person(person_id);
      }
      if (persons) {
        contacts_[contact.contact_id].modified_ms = contact.modified_ms;
        for (auto& row : *persons) {
          learn_person(contact.contact_id, row);
          listing.records.push_back(
              to_record(std::move(row), contact.contact_id, contact.modified_ms));
        }
      } else {
        contacts_.erase(contact.contact_id);  // deleted since the contacts page: no persons
      }
      // Its persons absent from this listing were deleted; the engine knows
      // which persons it linked under the contact.
      listing.complete_parents.push_back(contact.contact_id);
    }
    listing.cursor = encode_cursor(cursor);
    co_return listing;
  }

  InventoryRequests requests_;
  InventoryContactPersonsOptions options_;
  std::vector<std::string> default_contacts_;  // options_.default_contact_id, split at commas
  SystemClock system_clock_;
  bool warned_future_full_scan_ = false;
  // The sweep under way (listing_progress): contacts read of the total.
  std::size_t sweep_read_ = 0;
  std::size_t sweep_total_ = 0;
  std::uint64_t sweeps_completed_ = 0;
  // Whether a person write moves its contact's time to the second of the
  // answer (learnt from the first read-back; see remember_written).
  enum class Known { unknown, yes, no };
  Known writes_move_contact_ = Known::unknown;
  // What listings showed: contact -> its time and persons, person -> contact
  // and normalized email. Lets find_by_email reach persons that are not their
  // contact's primary, and creates go to the default contact with the fewest.
  std::map<std::string, ContactState> contacts_;
  std::map<std::string, std::string> person_contact_;
  std::map<std::string, std::string> person_email_;
  // contact id -> "customer" / "vendor", as the contacts list last showed it
  // (only with options_.carry_contact_type).
  std::map<std::string, std::string> contact_types_;
};

}  // namespace

std::unique_ptr<Connector> make_inventory_contact_persons(ApiClient& api,
                                                          InventoryContactPersonsOptions options) {
  return std::make_unique<ContactPersonsConnector>(api, std::move(options));
}

}  // namespace zohosync::connectors
