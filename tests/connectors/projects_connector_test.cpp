// projects.contacts against the zoho-sandbox process: full listings and their
// request counts, index/range paging boundaries, create/update/delete round
// trips, EXISTING_USER_OR_CONTACT as a link, per-record refusals; and the
// page parser on rows it cannot read.

#include <doctest/doctest.h>

#include <boost/json/serialize.hpp>

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <iterator>
#include <map>
#include <optional>
#include <set>

#include "connectors/http/http_client.hpp"
#include "connectors/limits/api_client.hpp"
#include "connectors/oauth/token_source.hpp"
#include "connectors/projects/projects_connectors.hpp"
#include "connectors/projects/projects_json.hpp"
#include "sandbox_stack.hpp"
#include "support.hpp"
#include "tests/sandbox/test_client.hpp"

namespace json = boost::json;
using namespace zohosync::connectors;
using namespace std::chrono_literals;
using zohosync::connectors::test::run;
using zohosync::connectors::test::SandboxStack;
using zohosync::connectors::test::text;
using zohosync::sandbox::test::sandbox_process;
using zohosync::sandbox::test::session;

namespace {

// The transport stack and one projects.contacts connector against a sandbox.
struct Projects : SandboxStack {
  explicit Projects(session& admin_in, ProjectsOptions options = {})
      : SandboxStack(admin_in, Product::projects) {
    options.portal_id = portal();
    connector = make_projects_contacts(*api, options);
  }

  std::string portal() const { return text(admin.info.at("projects").as_object().at("portal_id")); }

  Listing list() { return run(context, connector->list("")); }
  Record create(std::string parent, Fields fields) {
    return run(context, connector->create(std::move(parent), std::move(fields)));
  }
  Record update(std::string id, std::string parent, Fields fields) {
    return run(context, connector->update(std::move(id), std::move(parent), std::move(fields)));
  }
  void remove(std::string id) { run(context, connector->remove(std::move(id), "")); }
  std::optional<Record> find(std::string email) {
    return run(context, connector->find_by_email(std::move(email)));
  }

  std::unique_ptr<Connector> connector;
};

json::array dump_contacts(session& admin) {
  return admin.dump().at("projects").as_object().at("contacts").as_array();
}

// client id -> number of contacts, from the sandbox's own records.
std::map<std::string, std::size_t> contacts_per_client(session& admin) {
  std::map<std::string, std::size_t> counts;
  const json::object dump = admin.dump();
  for (const auto& client : dump.at("projects").as_object().at("clients").as_array())
    counts[text(client.at("id"))] = 0;
  for (const auto& contact : dump_contacts(admin))
    ++counts[text(contact.at("clientId"))];
  return counts;
}

ErrorClass error_class_of(const std::function<void()>& call) {
  try {
    call();
  } catch (const ConnectorError& error) {
    return error.error_class();
  }
  FAIL("expected a ConnectorError");
  return ErrorClass::fatal;
}

Fields person(std::string first, std::string last, std::string email) {
  return {{"first_name", std::move(first)},
          {"last_name", std::move(last)},
          {"email", std::move(email)}};
}

}  // namespace

TEST_CASE("projects.contacts: a full listing holds every contact, at one request per client") {
  sandbox_process proc({"--people", "200", "--seed", "4", "--no-limits"});
  session admin(proc.port());
  Projects projects(admin);
  const auto per_client = contacts_per_client(admin);
  const auto before = projects.calls();
  const Listing listing = projects.list();
  const auto spent = projects.calls() - before;

  CHECK(listing.full);
  CHECK(listing.complete);
  CHECK(listing.deleted.empty());
  const auto stored = dump_contacts(admin);
  REQUIRE(listing.records.size() == stored.size());
  std::map<std::string, const Record*> by_id;
  for (const Record& record : listing.records)
    by_id[record.id] = &record;
  for (const auto& row : stored) {
    const auto& contact = row.as_object();
    const Record* record = by_id[text(contact.at("id"))];
    REQUIRE(record != nullptr);
    CHECK(record->parent_id == text(contact.at("clientId")));
    // Only the collection's person fields, exactly as stored.
    CHECK(record->fields == Fields{{"email", text(contact.at("email"))},
                                   {"first_name", text(contact.at("first_name"))},
                                   {"last_name", text(contact.at("last_name"))}});
    CHECK(record->modified_ms == 0);  // Projects contacts carry no timestamp
  }
  // One client page (fewer than 200 clients), then one short page per client.
  std::int64_t expected = 1;
  for (const auto& [client, count] : per_client)
    expected += static_cast<std::int64_t>(count / 200 + 1);
  CHECK(spent == expected);

  // A no-change cycle costs the same: nothing narrower exists to ask for.
  const auto again = projects.calls();
  CHECK(projects.list().records.size() == listing.records.size());
  CHECK(projects.calls() - again == expected);
  MESSAGE("projects.contacts no-change listing: " << listing.records.size() << " contacts, "
                                                  << per_client.size() << " clients, " << spent
                                                  << " requests");
}

namespace {

// A daemon's projects.contacts: slices sized by a small request budget
// (by default a burst of 6, then 20 a second).
struct SlicedProjects : SandboxStack {
  SlicedProjects(session& admin_in, bool sliced, RateLimit rate = {20.0, 6.0})
      : SandboxStack(admin_in, Product::projects,
                     [rate](ApiClientOptions& options) { options.rate = rate; }) {
    ProjectsOptions options;
    options.portal_id = text(admin.info.at("projects").as_object().at("portal_id"));
    options.sliced_listings = sliced;
    connector = make_projects_contacts(*api, options);
  }
  Listing list(std::string since) { return run(context, connector->list(std::move(since))); }
  std::vector<std::string> confirm_gone(std::vector<std::string> clients) {
    return run(context, connector->confirm_gone_parents(std::move(clients)));
  }
  std::unique_ptr<Connector> connector;
};

std::vector<std::string> client_order(session& admin) {
  std::vector<std::string> ids;
  const json::object dump = admin.dump();
  for (const auto& client : dump.at("projects").as_object().at("clients").as_array())
    ids.push_back(text(client.at("id")));
  return ids;
}

}  // namespace

TEST_CASE(
    "projects.contacts: a budget that never holds two requests at once still moves a pass, a "
    "client a poll") {
  // 12 requests a minute: a burst of 1.2. A pass that waits for two spare
  // requests would never read a client.
  sandbox_process proc({"--people", "60", "--seed", "8", "--no-limits"});
  session admin(proc.port());
  const std::size_t clients = contacts_per_client(admin).size();
  REQUIRE(clients > 5);
  SlicedProjects projects(admin, /*sliced=*/true, RateLimit{0.18, 1.2});
  std::set<std::string> read;
  std::string cursor = "full";
  for (int poll = 0; poll < 3 * static_cast<int>(clients) && read.size() < clients; ++poll) {
    projects.clock.advance(6s);  // a poll later: about one more request
    const Listing slice = projects.list(cursor);
    CHECK(slice.complete_parents.size() <= 1);
    read.insert(slice.complete_parents.begin(), slice.complete_parents.end());
    cursor = slice.cursor;
  }
  CHECK(read.size() == clients);
}

TEST_CASE(
    "projects.contacts: a daemon's listings read the clients in budget-sized slices, each "
    "client whole, a pass over them all in turn") {
  sandbox_process proc({"--people", "300", "--seed", "8", "--no-limits"});
  session admin(proc.port());
  const auto per_client = contacts_per_client(admin);
  const std::size_t clients = per_client.size();
  REQUIRE(clients > 40);
  const std::size_t contacts = dump_contacts(admin).size();
  SlicedProjects projects(admin, /*sliced=*/true);

  SUBCASE("the first listing of all (no cursor) reads every client, as a full listing") {
    const Listing first = projects.list("");
    CHECK(first.full);
    CHECK(first.records.size() == contacts);
    CHECK(first.cursor == "full");
  }

  SUBCASE("after a pass, the next ones go slice by slice until every client was read") {
    std::vector<std::string> read;  // clients read whole, in the order read
    std::size_t records = 0;
    std::size_t slices = 0;
    std::string cursor = "full";
    do {
      REQUIRE(slices <= clients);     // each slice reads a client at least
      projects.clock.advance(200ms);  // a poll later: 4 more requests in the budget
      const Listing slice = projects.list(cursor);
      ++slices;
      CHECK_FALSE(slice.full);
      CHECK(slice.complete);
      REQUIRE_FALSE(slice.complete_parents.empty());
      // Every record is under a client the slice read whole.
      for (const Record& record : slice.records) {
        CHECK(std::find(slice.complete_parents.begin(), slice.complete_parents.end(),
                        record.parent_id) != slice.complete_parents.end());
      }
      if (slices == 1) {
        // The pass began: the clients that exist, for gone ones to be confirmed.
        REQUIRE(slice.existing_parents.has_value());
        CHECK(slice.existing_parents->size() == clients);
        CHECK(slice.complete_parents.size() < clients);  // the budget cut it short
      }
      read.insert(read.end(), slice.complete_parents.begin(), slice.complete_parents.end());
      records += slice.records.size();
      cursor = slice.cursor;
    } while (cursor != "full");
    CHECK(slices > 2);
    CHECK(records == contacts);
    CHECK(read == client_order(admin));  // each client once, in the list's order

    SUBCASE("a poll finding no request to spare reads nothing and keeps its place") {
      std::string at = "full";
      std::optional<Listing> idle;
      for (int i = 0; i < 20 && !idle; ++i) {  // no time passes: the budget runs dry
        Listing slice = projects.list(at);
        if (slice.records.empty() && slice.complete_parents.empty() &&
            !slice.existing_parents.has_value())
          idle = std::move(slice);  // not even the client list was read
        else
          at = slice.cursor;
      }
      REQUIRE(idle.has_value());
      CHECK(idle->cursor == at);
      CHECK(idle->complete);
      CHECK_FALSE(idle->full);
      CHECK_FALSE(idle->existing_parents.has_value());
    }

    SUBCASE("a restarted daemon goes on where the pass stopped") {
      projects.clock.advance(1s);  // the budget full again
      const Listing first = projects.list("full");
      REQUIRE(first.cursor.rfind("pass:", 0) == 0);
      const std::string next = first.cursor.substr(5);
      SlicedProjects restarted(admin, /*sliced=*/true);
      const Listing resumed = restarted.list(first.cursor);
      REQUIRE_FALSE(resumed.complete_parents.empty());
      CHECK(resumed.complete_parents.front() == next);
    }

    SUBCASE("a client deleted is confirmed gone, one that exists is not") {
      const std::vector<std::string> ids = client_order(admin);
      const std::string gone = ids.back();
      admin.admin_post(
          "edit",
          R"({"product":"projects","collection":"clients","op":"delete","id":")" + gone + R"("})");
      projects.clock.advance(1s);  // the budget full again
      const Listing fresh = projects.list("full");
      REQUIRE(fresh.existing_parents.has_value());
      CHECK(std::find(fresh.existing_parents->begin(), fresh.existing_parents->end(), gone) ==
            fresh.existing_parents->end());
      CHECK(projects.confirm_gone({gone, ids.front()}) == std::vector<std::string>{gone});
    }
  }

  SUBCASE("a one-shot run's listing reads every client whatever the cursor says") {
    SlicedProjects whole(admin, /*sliced=*/false);
    const Listing listing = whole.list("full");
    CHECK(listing.full);
    CHECK(listing.records.size() == contacts);
    CHECK(listing.cursor == "full");
  }
}

TEST_CASE("projects.contacts: paging stops on a short page (exactly range, range + 1)") {
  sandbox_process proc({"--people", "60", "--seed", "2", "--no-limits"});
  session admin(proc.port());
  // The client with the most contacts; give it exactly 4.
  auto per_client = contacts_per_client(admin);
  auto busiest = std::max_element(per_client.begin(), per_client.end(),
                                  [](const auto& a, const auto& b) { return a.second < b.second; });
  const std::string client = busiest->first;
  for (std::size_t i = busiest->second; i < 4; ++i) {
    const std::string body =
        R"({"product":"projects","op":"create","parent":")" + client +
        R"(","fields":{"first_name":"Page","last_name":"Filler","email":"filler)" +
        std::to_string(i) + R"(@paging.example"}})";
    REQUIRE(admin.admin_post("edit", body).status == 201);
  }
  for (const auto& row : dump_contacts(admin)) {
    if (text(row.at("clientId")) == client && contacts_per_client(admin)[client] > 4) {
      const std::string body =
          R"({"product":"projects","op":"delete","id":")" + text(row.at("id")) + R"("})";
      REQUIRE(admin.admin_post("edit", body).status == 200);
    }
  }
  per_client = contacts_per_client(admin);
  REQUIRE(per_client[client] == 4);
  std::size_t total = 0;
  for (const auto& [id, count] : per_client)
    total += count;

  // Requests for the other clients with range r: one each unless they hold >= r.
  auto others = [&](std::size_t range) {
    std::int64_t n = 0;
    for (const auto& [id, count] : per_client)
      if (id != client)
        n += static_cast<std::int64_t>(count / range + 1);
    return n;
  };
  struct Case {
    int range;
    std::int64_t client_requests;  // for the client holding 4
  };
  const Case cases[] = {
      {4, 2},  // exactly range: a full page, then an empty one
      {3, 2},  // range + 1: a full page, then a page of one
      {5, 1},  // fewer than range: one short page
      {2, 3},  // twice range: two full pages, then an empty one
      {1, 5},
  };
  for (const Case& c : cases) {
    CAPTURE(c.range);
    ProjectsOptions options;
    options.range = c.range;
    Projects projects(admin, options);
    const auto before = projects.calls();
    const Listing listing = projects.list();
    CHECK(listing.records.size() == total);
    const auto held = std::count_if(listing.records.begin(), listing.records.end(),
                                    [&](const Record& r) { return r.parent_id == client; });
    CHECK(held == 4);
    CHECK(projects.calls() - before ==
          1 + c.client_requests + others(static_cast<std::size_t>(c.range)));
  }
}

TEST_CASE("projects.contacts: create, update and delete round trips") {
  sandbox_process proc({"--people", "30", "--no-limits"});
  session admin(proc.port());
  Projects projects(admin);
  const std::string client = contacts_per_client(admin).begin()->first;

  const Record created = projects.create(client, person("Alba", "Flores", "alba@round.example"));
  CHECK(!created.id.empty());
  CHECK(created.parent_id == client);
  CHECK(created.fields == person("Alba", "Flores", "alba@round.example"));
  {
    const Listing listing = projects.list();
    auto it = std::find_if(listing.records.begin(), listing.records.end(),
                           [&](const Record& r) { return r.id == created.id; });
    REQUIRE(it != listing.records.end());
    CHECK(it->fields == created.fields);  // what create returned is what a listing sees
    CHECK(it->parent_id == client);
  }

  const Record updated = projects.update(created.id, client, {{"last_name", "Flores-Ruiz"}});
  CHECK(updated.id == created.id);
  CHECK(updated.parent_id == client);
  CHECK(updated.fields == person("Alba", "Flores-Ruiz", "alba@round.example"));
  const Record moved = projects.update(created.id, client, {{"email", "alba.f@round.example"}});
  CHECK(moved.id == created.id);  // the id is not the email here
  CHECK(moved.fields.at("email") == "alba.f@round.example");

  auto found = projects.find("ALBA.F@round.example ");
  REQUIRE(found.has_value());
  CHECK(found->id == created.id);
  CHECK(found->fields == moved.fields);

  projects.remove(created.id);
  CHECK(!projects.find("alba.f@round.example").has_value());
  projects.remove(created.id);  // already gone: still a success
  const Listing after = projects.list();
  CHECK(std::none_of(after.records.begin(), after.records.end(),
                     [&](const Record& r) { return r.id == created.id; }));

  // Without a parent the configured default client is used; with neither, a configuration error.
  ProjectsOptions with_default;
  with_default.default_client_id = client;
  Projects defaulted(admin, with_default);
  CHECK(defaulted.create("", person("Dee", "Fault", "dee@round.example")).parent_id == client);
  CHECK(error_class_of([&] { projects.create("", person("No", "Client", "nc@round.example")); }) ==
        ErrorClass::configuration);
}

TEST_CASE("projects.contacts: EXISTING_USER_OR_CONTACT links to the contact already there") {
  sandbox_process proc({"--people", "40", "--seed", "6", "--no-limits"});
  session admin(proc.port());
  const auto per_client = contacts_per_client(admin);
  REQUIRE(per_client.size() >= 2);
  const std::string default_client = per_client.begin()->first;
  // A contact of another client, asked for with its email in upper case.
  json::object existing;
  for (const auto& row : dump_contacts(admin))
    if (text(row.at("clientId")) != default_client)
      existing = row.as_object();
  REQUIRE(!existing.empty());
  std::string email = text(existing.at("email"));
  std::transform(email.begin(), email.end(), email.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });

  // A fresh connector: no listing yet, so the lookup has to search for it.
  Projects projects(admin);
  const auto stored_before = dump_contacts(admin).size();
  const auto before = projects.calls();
  const Record linked = projects.create(default_client, person("Some", "One", email));
  CHECK(linked.id == text(existing.at("id")));
  CHECK(linked.parent_id == text(existing.at("clientId")));
  CHECK(linked.fields.at("email") == text(existing.at("email")));
  CHECK(linked.fields.at("first_name") == text(existing.at("first_name")));
  CHECK(dump_contacts(admin).size() == stored_before);  // nothing created
  const auto scan_cost = projects.calls() - before;
  MESSAGE("EXISTING_USER_OR_CONTACT without a listing: " << scan_cost << " requests for "
                                                         << per_client.size() << " clients");

  // After a listing the index knows the client: create + one search.
  projects.list();
  const auto indexed = projects.calls();
  CHECK(projects.create(default_client, person("Some", "One", email)).id == linked.id);
  CHECK(projects.calls() - indexed == 2);
}

TEST_CASE(
    "projects.contacts: refusals are per record, a page that stays malformed fails the listing") {
  sandbox_process proc({"--people", "20", "--no-limits"});
  session admin(proc.port());
  Projects projects(admin);
  const std::string client = contacts_per_client(admin).begin()->first;

  CHECK(error_class_of([&] {
          projects.update("999999", client, {{"first_name", "X"}});
        }) == ErrorClass::per_record);
  CHECK(error_class_of([&] {
          projects.create(client, person(std::string(101, 'n'), "Long", "long@refused.example"));
        }) == ErrorClass::per_record);
  CHECK(error_class_of([&] {
          projects.create(client, {{"first_name", "No"}, {"email", "nolast@refused.example"}});
        }) == ErrorClass::per_record);
  CHECK(error_class_of([&] { projects.create(client, person("Bad", "Email", "not-an-email")); }) ==
        ErrorClass::per_record);
  // A second contact taking someone else's email.
  const Record a = projects.create(client, person("A", "One", "a@taken.example"));
  const Record b = projects.create(client, person("B", "Two", "b@taken.example"));
  CHECK(error_class_of([&] {
          projects.update(b.id, client, {{"email", "A@taken.example"}});
        }) == ErrorClass::per_record);
  CHECK(projects.find("b@taken.example")->id == b.id);  // unchanged
  CHECK(a.id != b.id);

  // Malformed once: the page is asked for again and the listing is whole.
  const std::string once = R"({"kind":"malformed","path":"/api/v3/portal/)" + projects.portal() +
                           R"(/client/*","method":"GET","nth":1,"times":1})";
  REQUIRE(admin.admin_post("faults", once).status == 200);
  CHECK(projects.list().full);
  // Malformed on every attempt: the listing fails, and the next cycle reads it whole.
  const std::string always = R"({"kind":"malformed","path":"/api/v3/portal/)" + projects.portal() +
                             R"(/client/*","method":"GET","nth":1,"times":5})";
  REQUIRE(admin.admin_post("faults", always).status == 200);
  CHECK(error_class_of([&] { projects.list(); }) == ErrorClass::transient);
  CHECK(projects.list().full);
}

TEST_CASE("projects.contacts: the page parser skips an unreadable row and still counts it") {
  const auto page = projects_json::parse_contacts_page(
      R"([{"id":"1","email":"a@x.example","first_name":"A","last_name":null,"clientId":7},)"
      R"({"email":"no-id@x.example"},)"
      R"({"id":3,"email":5,"first_name":"C","last_name":"D","clientId":"7"},)"
      R"({"id":4,"email":"d@x.example","first_name":"D","last_name":"E","clientId":"7",)"
      R"("last_modified_time_long":"1700000000123","created_time_long":1600000000000}])");
  CHECK(page.rows == 4);
  REQUIRE(page.records.size() == 2);
  CHECK(page.records[0].parent_id == "7");
  CHECK(page.records[0].fields.at("last_name") == "");
  CHECK(page.records[1].id == "4");
  CHECK(page.records[1].modified_ms == 1700000000123);
  CHECK(page.records[1].created_ms == 1600000000000);
  REQUIRE(page.skipped.size() == 2);
  CHECK(page.skipped[0].error_class() == ErrorClass::per_record);
  CHECK_THROWS_AS(projects_json::parse_contacts_page("<html>"), ConnectorError);
  CHECK_THROWS_AS(projects_json::parse_contacts_page(R"({"x":1})"), ConnectorError);

  const auto answer = projects_json::parse_create_answer(
      R"({"contacts":[{"id":"9","email":"n@x.example","first_name":"N","last_name":"M",)"
      R"("clientId":"7"}],"error":{"status_code":"207","title":"EXISTING_USER_OR_CONTACT",)"
      R"("details":[{"field_name":"emailId","field_value":"old@x.example"}]}})");
  REQUIRE(answer.created.size() == 1);
  CHECK(answer.existing_emails == std::vector<std::string>{"old@x.example"});
}

// Figures for the notes (10,000 generated people); run with --no-skip.
TEST_CASE("projects.contacts: request counts over 10k people" * doctest::skip()) {
  sandbox_process proc({"--people", "10000", "--no-limits"});
  session admin(proc.port());
  Projects projects(admin);
  auto before = projects.calls();
  const Listing listing = projects.list();
  const auto listing_cost = projects.calls() - before;
  // A 1% change cycle: the same full listing plus one PATCH per changed record.
  const std::size_t changes = listing.records.size() / 100;
  before = projects.calls();
  for (std::size_t i = 0; i < changes; ++i) {
    const Record& r = listing.records[i * 100];
    projects.update(r.id, r.parent_id, {{"last_name", r.fields.at("last_name") + "x"}});
  }
  const auto write_cost = projects.calls() - before;
  MESSAGE("10k people: " << listing.records.size() << " Projects contacts in "
                         << contacts_per_client(admin).size() << " clients; no-change cycle "
                         << listing_cost << " requests; 1% change cycle " << listing_cost << " + "
                         << write_cost << " = " << listing_cost + write_cost << " requests");
}

namespace {

// Creates started together (as the engine sends a batch of writes), each
// outcome kept: a record or the error it ended with.
struct CreateOutcome {
  std::optional<Record> record;
  std::optional<ErrorClass> error;
};
std::vector<CreateOutcome> create_together(Projects& projects,
                                           std::vector<std::pair<std::string, Fields>> creates) {
  std::vector<CreateOutcome> outcomes(creates.size());
  for (std::size_t i = 0; i < creates.size(); ++i) {
    boost::asio::co_spawn(
        projects.context,
        projects.connector->create(std::move(creates[i].first), std::move(creates[i].second)),
        [&outcomes, i](std::exception_ptr e, Record record) {
          if (!e) {
            outcomes[i].record = std::move(record);
            return;
          }
          try {
            std::rethrow_exception(e);
          } catch (const ConnectorError& error) {
            outcomes[i].error = error.error_class();
          }
        });
  }
  projects.context.restart();
  projects.context.run();
  return outcomes;
}

}  // namespace

TEST_CASE(
    "projects.contacts: creates that arrive together are one request per client, each outcome "
    "read from the 201/207 answer") {
  sandbox_process proc({"--people", "40", "--seed", "6", "--no-limits"});
  session admin(proc.port());
  const auto per_client = contacts_per_client(admin);
  REQUIRE(per_client.size() >= 2);
  // A contact with an email; its client is client_a, another one client_b.
  std::string client_a, existing_email, existing_id;
  for (const auto& row : dump_contacts(admin)) {
    if (row.at("email").is_string() && !row.at("email").as_string().empty()) {
      client_a = text(row.at("clientId"));
      existing_email = text(row.at("email"));
      existing_id = text(row.at("id"));
    }
  }
  REQUIRE_FALSE(existing_email.empty());
  std::string client_b;
  for (const auto& [client, n] : per_client) {
    if (client != client_a)
      client_b = client;
  }
  REQUIRE_FALSE(client_b.empty());

  Projects projects(admin);
  projects.list();  // the index knows where the existing contact is
  const auto stored_before = dump_contacts(admin).size();
  const auto before = projects.calls();
  auto outcomes =
      create_together(projects, {{client_a, person("Ada", "One", "ada.one@batch.example")},
                                 {client_a, person("Bo", "Two", "bo.two@batch.example")},
                                 {client_b, person("Cy", "Three", "cy.three@batch.example")},
                                 {client_a, person("Some", "One", existing_email)},
                                 {client_a, person("Di", "Four", "di.four@batch.example")}});
  // One POST per client (the existing email comes back in the 201 as a 207
  // detail), plus one search that links the contact already there.
  CHECK(projects.calls() - before == 3);
  for (const auto& outcome : outcomes)
    REQUIRE(outcome.record.has_value());
  CHECK(outcomes[0].record->fields.at("email") == "ada.one@batch.example");
  CHECK(outcomes[0].record->parent_id == client_a);
  CHECK(outcomes[2].record->parent_id == client_b);
  CHECK(outcomes[3].record->id == existing_id);  // linked, not created again
  CHECK(outcomes[4].record->fields.at("first_name") == "Di");
  CHECK(dump_contacts(admin).size() == stored_before + 4);
  const Listing listing = projects.list();
  for (std::size_t i : {0, 1, 2, 4}) {
    const auto it = std::find_if(listing.records.begin(), listing.records.end(),
                                 [&](const Record& r) { return r.id == outcomes[i].record->id; });
    REQUIRE(it != listing.records.end());
    CHECK(it->fields == outcomes[i].record->fields);
  }

  SUBCASE("a contact the product refuses fails alone: the others are sent one by one") {
    const auto start = projects.calls();
    auto mixed = create_together(
        projects, {{client_a, person("Ed", "Five", "ed.five@batch.example")},
                   {client_a, person(std::string(300, 'x'), "Long", "long@batch.example")}});
    REQUIRE(mixed[0].record.has_value());
    CHECK(mixed[0].record->fields.at("email") == "ed.five@batch.example");
    REQUIRE(mixed[1].error.has_value());
    CHECK(*mixed[1].error == ErrorClass::per_record);
    CHECK(projects.calls() - start == 3);  // the batch, then each alone
  }

  SUBCASE("create_batch bounds the contacts per request") {
    ProjectsOptions two;
    two.create_batch = 2;
    Projects small(admin, two);
    const auto start = small.calls();
    auto three = create_together(small, {{client_b, person("Fa", "Six", "fa.six@batch.example")},
                                         {client_b, person("Gu", "Sev", "gu.sev@batch.example")},
                                         {client_b, person("Ha", "Eig", "ha.eig@batch.example")}});
    for (const auto& outcome : three)
      CHECK(outcome.record.has_value());
    CHECK(small.calls() - start == 2);
  }
}
