// One conformance suite for every collection connector (DESIGN.md,
// "Connectors"): each test case states a promise a user relies on and runs
// against the in-memory reference connector and every Zoho connector pointed
// at the sandbox. Cases about the transport (tokens, faults, rate limits,
// secrets in logs) run against the sandbox fixtures only.

#include <doctest/doctest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <boost/json/object.hpp>

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <map>
#include <sstream>

#include "tests/connectors/conformance/fixture_types.hpp"
#include "tests/connectors/conformance/sandbox_fixture.hpp"

using namespace zohosync::connectors;
using namespace zohosync::connectors::conformance;
using namespace std::chrono_literals;
namespace json = boost::json;

// ---- helpers ----

namespace {

std::string email_for(const std::string& tag) {
  return "conf." + tag + "@conformance.example";
}

const Record* find(const Listing& listing, const std::string& id) {
  for (const auto& record : listing.records) {
    if (record.id == id)
      return &record;
  }
  return nullptr;
}

bool reported_deleted(const Listing& listing, const std::string& id) {
  return std::find(listing.deleted.begin(), listing.deleted.end(), id) != listing.deleted.end();
}

std::string field(const Record& record, const std::string& name) {
  auto it = record.fields.find(name);
  return it == record.fields.end() ? std::string() : it->second;
}

Listing list(Fixture& f, std::string since = {}) {
  return f.run(f.connector().list(std::move(since)));
}

// Every id of a full listing exactly once, and exactly the product's records.
void check_full_listing(Fixture& f, const Listing& listing) {
  CHECK(listing.full);
  CHECK(listing.complete);
  std::map<std::string, int> seen;
  for (const auto& record : listing.records)
    ++seen[record.id];
  std::set<std::string> listed;
  for (const auto& [id, count] : seen) {
    CAPTURE(id);
    CHECK(count == 1);
    listed.insert(id);
  }
  const auto expected = f.ui_ids();
  std::string missing, extra;
  for (const auto& id : expected)
    if (!listed.count(id))
      missing += id + " ";
  for (const auto& id : listed)
    if (!expected.count(id))
      extra += id + " ";
  CAPTURE(missing);
  CAPTURE(extra);
  CHECK(listed == expected);
}

// A record the product stored as returned by a write and as listed: what
// echo suppression compares.
void check_same_record(const Fixture& f, const Record& listed, const Record& written) {
  CHECK(listed.id == written.id);
  CHECK(listed.parent_id == written.parent_id);
  CHECK(listed.fields == written.fields);
  if (!f.caps().has_modified_time)
    return;
  if (f.caps().known_gaps.count("create-modified-time"))
    WARN_MESSAGE(listed.modified_ms == written.modified_ms,
                 "known gap: a write returns another modified time than the listing shows");
  else
    CHECK(listed.modified_ms == written.modified_ms);
}

// The error a call threw, or nullopt when it succeeded.
template <class T>
std::optional<ConnectorError> error_of(Fixture& f, boost::asio::awaitable<T> call) {
  try {
    f.run(std::move(call));
  } catch (const ConnectorError& error) {
    return error;
  }
  return std::nullopt;
}

// Any record the product holds (made when it holds none).
Record some_record(Fixture& f, const std::string& tag) {
  auto listing = list(f);
  if (!listing.records.empty())
    return listing.records.front();
  const Record made = f.ui_create(f.person(tag, email_for(tag)));
  listing = list(f);
  const Record* record = find(listing, made.id);
  REQUIRE(record != nullptr);
  return *record;
}

}  // namespace

// ---- promises every connector keeps ----

TEST_CASE_TEMPLATE_DEFINE(
    "conformance: a full listing returns every record exactly once across "
    "page boundaries",
    F, full_listing) {
  F f;
  const auto page = f.caps().page_size;
  const std::size_t start = f.ui_ids().size();
  std::vector<std::size_t> populations{start};
  if (page > 0) {
    // Just below, at and above two page boundaries.
    const std::size_t k = start / page + 1;
    for (std::size_t n : {k * page - 1, k * page, k * page + 1, (k + 1) * page, (k + 1) * page + 1})
      if (n > start)
        populations.push_back(n);
  } else {
    populations.push_back(start + 1);
  }
  std::size_t made = 0;
  for (const std::size_t population : populations) {
    CAPTURE(population);
    for (; start + made < population; ++made) {
      const std::string tag = "page" + std::to_string(made);
      f.ui_create(f.person(tag, email_for(tag)));
    }
    REQUIRE(f.ui_ids().size() == population);
    check_full_listing(f, list(f));
  }
}
TEST_CASE_TEMPLATE_APPLY(full_listing, AllFixtures);

TEST_CASE_TEMPLATE_DEFINE(
    "conformance: a listing after a UI edit returns the edited record, even "
    "an edit in the cursor's own second",
    F, incremental_edit) {
  F f;
  const Record target = some_record(f, "edit");
  const auto first = list(f);
  // No clock step: the edit shares the second the cursor was taken in.
  f.ui_update(target.id, f.caps().name_field, "Edited Same Second");
  const auto second = list(f, first.cursor);
  CHECK(second.complete);
  if (!f.caps().incremental)
    CHECK(second.full);
  const Record* edited = find(second, target.id);
  if (f.caps().known_gaps.count("incremental-misses-edit")) {
    WARN_MESSAGE(edited != nullptr, "known gap: the incremental listing misses a UI edit");
    return;
  }
  REQUIRE(edited != nullptr);
  CHECK(field(*edited, f.caps().name_field) == "Edited Same Second");

  // And the cursor that listing returned carries on from there.
  f.ui_update(target.id, f.caps().name_field, "Edited Again");
  const auto third = list(f, second.cursor);
  edited = find(third, target.id);
  REQUIRE(edited != nullptr);
  CHECK(field(*edited, f.caps().name_field) == "Edited Again");
  if (f.caps().incremental) {
    // Nothing else changed: an incremental listing stays small (the overlap
    // may repeat a few records, never the whole collection).
    CHECK(!third.full);
    CHECK(third.records.size() < f.ui_ids().size());
  }
}
TEST_CASE_TEMPLATE_APPLY(incremental_edit, AllFixtures);

TEST_CASE_TEMPLATE_DEFINE(
    "conformance: a UI delete shows in `deleted`, under a parent named "
    "complete, or is gone from a full listing",
    F, ui_delete) {
  F f;
  const Record target = some_record(f, "gone");
  const auto first = list(f);
  f.ui_delete(target.id);
  const auto next = list(f, first.cursor);
  CHECK(next.complete);
  CHECK(find(next, target.id) == nullptr);
  if (next.full)
    CHECK(f.ui_ids().count(target.id) == 0);
  else if (f.caps().reports_deleted)
    CHECK(reported_deleted(next, target.id));
  else if (f.caps().deletes_by_parent)
    CHECK(std::count(next.complete_parents.begin(), next.complete_parents.end(),
                     target.parent_id) == 1);
  else
    FAIL("an incremental listing that does not report deletes hides them");
  check_full_listing(f, list(f));
}
TEST_CASE_TEMPLATE_APPLY(ui_delete, AllFixtures);

TEST_CASE_TEMPLATE_DEFINE(
    "conformance: create, update and delete round trip, what a write "
    "returns is what the next listing shows",
    F, round_trip) {
  F f;
  REQUIRE(f.caps().can_create);
  Connector& c = f.connector();
  const auto& caps = f.caps();
  const Fields given = f.person("round", email_for("round"));
  const Record created = f.run(c.create(f.default_parent(), given));
  CHECK(!created.id.empty());
  for (const auto& [name, value] : given) {
    CAPTURE(name);
    CHECK(field(created, name) == value);
  }
  auto listing = list(f);
  const Record* listed = find(listing, created.id);
  REQUIRE(listed != nullptr);
  check_same_record(f, *listed, created);

  Fields change{{caps.name_field, "Round Updated"}};
  const Record updated = f.run(c.update(created.id, created.parent_id, change));
  CHECK(updated.id == created.id);
  CHECK(field(updated, caps.name_field) == "Round Updated");
  CHECK(field(updated, caps.email_field) == field(created, caps.email_field));
  listing = list(f);
  listed = find(listing, updated.id);
  REQUIRE(listed != nullptr);
  check_same_record(f, *listed, updated);

  Record current = updated;
  if (caps.email_in_url) {
    // The URL key moves with the email, the record's id does not; the next
    // write finds the record under its new email.
    Fields moved{{caps.email_field, email_for("round.moved")}};
    current = f.run(c.update(updated.id, updated.parent_id, moved));
    CHECK(current.id == updated.id);
    CHECK(field(current, caps.email_field) == email_for("round.moved"));
    listing = list(f);
    listed = find(listing, current.id);
    REQUIRE(listed != nullptr);
    check_same_record(f, *listed, current);
    // Moved again in the product's UI: our next write still reaches it.
    f.ui_update(current.id, caps.email_field, email_for("round.moved.ui"));
    Fields renamed{{caps.name_field, "Round Moved"}};
    current = f.run(c.update(current.id, current.parent_id, renamed));
    CHECK(current.id == updated.id);
    CHECK(field(current, caps.email_field) == email_for("round.moved.ui"));
    CHECK(field(current, caps.name_field) == "Round Moved");
  }

  f.run(c.remove(current.id, current.parent_id));
  listing = list(f);
  CHECK(find(listing, current.id) == nullptr);
  check_full_listing(f, listing);
}
TEST_CASE_TEMPLATE_APPLY(round_trip, AllFixtures);

TEST_CASE_TEMPLATE_DEFINE("conformance: removing a record that no longer exists succeeds", F,
                          remove_missing) {
  F f;
  Connector& c = f.connector();
  const Record made = f.ui_create(f.person("missing", email_for("missing")));
  f.ui_delete(made.id);
  CHECK_NOTHROW(f.run(c.remove(made.id, made.parent_id)));
  // Twice over our own delete, too.
  const Record created = f.run(c.create(f.default_parent(), f.person("twice", email_for("twice"))));
  f.run(c.remove(created.id, created.parent_id));
  CHECK_NOTHROW(f.run(c.remove(created.id, created.parent_id)));
  check_full_listing(f, list(f));
}
TEST_CASE_TEMPLATE_APPLY(remove_missing, AllFixtures);

TEST_CASE_TEMPLATE_DEFINE(
    "conformance: find_by_email ignores case and finds nothing for an "
    "unknown email",
    F, find_by_email) {
  F f;
  Connector& c = f.connector();
  const std::string stored = "Conf.Find.Me@Conformance.Example";
  const Record made = f.ui_create(f.person("find", stored));
  const auto listing = list(f);
  const Record* listed = find(listing, made.id);
  REQUIRE(listed != nullptr);
  const auto found = f.run(c.find_by_email("conf.find.me@CONFORMANCE.example"));
  REQUIRE(found.has_value());
  CHECK(found->id == made.id);
  CHECK(field(*found, f.caps().email_field) == stored);
  check_same_record(f, *listed, *found);

  CHECK_FALSE(f.run(c.find_by_email("nobody.here@conformance.example")).has_value());
}
TEST_CASE_TEMPLATE_APPLY(find_by_email, AllFixtures);

TEST_CASE_TEMPLATE_DEFINE(
    "conformance: find_by_email finds a record no listing has shown yet "
    "(the look-up after a create whose outcome is unknown)",
    F, find_unlisted) {
  F f;
  Connector& c = f.connector();
  list(f);
  // Created after the last listing, under the default parent, as our own
  // create would have been.
  const Record created =
      f.run(c.create(f.default_parent(), f.person("unlisted", email_for("unlisted"))));
  const auto found = f.run(c.find_by_email(email_for("unlisted")));
  REQUIRE(found.has_value());
  CHECK(found->id == created.id);
  CHECK(found->fields == created.fields);
}
TEST_CASE_TEMPLATE_APPLY(find_unlisted, AllFixtures);

TEST_CASE_TEMPLATE_DEFINE(
    "conformance: a record the product refuses is a per-record error and "
    "the next record still works",
    F, per_record_refusal) {
  F f;
  Connector& c = f.connector();
  const Fields bad = f.refused_person("refused", email_for("refused"));
  const auto error = error_of(f, c.create(f.default_parent(), bad));
  REQUIRE(error.has_value());
  const std::string message = error->what();
  CAPTURE(message);
  CHECK(error->error_class() == ErrorClass::per_record);

  const Record good = f.run(c.create(f.default_parent(), f.person("after", email_for("after"))));
  const auto listing = list(f);
  CHECK(find(listing, good.id) != nullptr);
  for (const auto& record : listing.records)
    CHECK(field(record, f.caps().email_field) != email_for("refused"));
  check_full_listing(f, listing);
}
TEST_CASE_TEMPLATE_APPLY(per_record_refusal, AllFixtures);

// ---- the transport under each Zoho connector, against the sandbox ----

namespace {

std::set<std::string> ids_of(const Listing& listing) {
  std::set<std::string> ids;
  for (const auto& record : listing.records)
    ids.insert(record.id);
  return ids;
}

}  // namespace

TEST_CASE_TEMPLATE_DEFINE("conformance: a token that expires mid-run is invisible to the caller", F,
                          token_expiry) {
  F f;
  SandboxFixture& s = *f.sandbox();
  const auto before = ids_of(list(f));
  CHECK(s.tokens().refreshes() == 1);
  // The product's clock passes the token's hour; ours does not know.
  s.advance_sandbox(3700s);
  CHECK(ids_of(list(f)) == before);
  const Record target = some_record(f, "expiry");
  s.advance_sandbox(3700s);
  const Record updated = f.run(f.connector().update(target.id, target.parent_id,
                                                    Fields{{f.caps().name_field, "After Expiry"}}));
  CHECK(field(updated, f.caps().name_field) == "After Expiry");
  CHECK(s.tokens().refreshes() == 3);
}
TEST_CASE_TEMPLATE_APPLY(token_expiry, SandboxFixtures);

TEST_CASE_TEMPLATE_DEFINE(
    "conformance: a throttled token endpoint is a transient error, and the "
    "next cycle recovers",
    F, token_throttle) {
  Setup setup;
  // One token request per two hours; tokens live their usual hour.
  setup.args = {"--token-limit", "1", "--token-window", "7200"};
  F f(setup);
  SandboxFixture& s = *f.sandbox();
  const auto before = ids_of(list(f));
  s.advance_sandbox(3700s);  // the token expires; the refresh is refused
  const auto error = error_of(f, f.connector().list(""));
  REQUIRE(error.has_value());
  const std::string message = error->what();
  CAPTURE(message);
  CHECK(error->error_class() == ErrorClass::transient);
  // Later, on both sides: the endpoint's window and our cooldown have passed.
  s.advance_both(7300s);
  CHECK(ids_of(list(f)) == before);
}
TEST_CASE_TEMPLATE_APPLY(token_throttle, SandboxFixtures);

TEST_CASE_TEMPLATE_DEFINE(
    "conformance: each injected fault on a read is retried, then the listing "
    "succeeds",
    F, read_faults) {
  F f;
  SandboxFixture& s = *f.sandbox();
  const auto baseline = ids_of(list(f));
  const Route route = s.read_route();
  for (const std::string kind : {"500", "429", "reset", "hang", "truncate", "malformed"}) {
    CAPTURE(kind);
    // The hang outlasts the fixture's one-second request timeout.
    s.add_fault(json::object{{"kind", kind},
                             {"path", route.path},
                             {"method", route.method},
                             {"nth", 1},
                             {"times", 1},
                             {"ms", 2500}});
    std::optional<Listing> listing;
    try {
      listing = list(f);
    } catch (const ConnectorError& error) {
      // A 200 whose body is not JSON reaches the connector, which may refuse
      // the page as a transient error for the next cycle to retry; nothing
      // else may reach the caller.
      CAPTURE(error.what());
      CHECK(kind == "malformed");
      CHECK(error.error_class() == ErrorClass::transient);
      listing = list(f);
    }
    CHECK(listing->complete);
    CHECK(listing->full);
    CHECK(ids_of(*listing) == baseline);
    s.clear_faults();
  }
}
TEST_CASE_TEMPLATE_APPLY(read_faults, SandboxFixtures);

TEST_CASE_TEMPLATE_DEFINE(
    "conformance: a write that keeps failing is that record's classified "
    "error, other writes succeed",
    F, write_failure) {
  F f;
  SandboxFixture& s = *f.sandbox();
  Connector& c = f.connector();
  const auto& caps = f.caps();
  const Record a = f.ui_create(f.person("fail.a", email_for("fail.a")));
  const Record b = f.ui_create(f.person("fail.b", email_for("fail.b")));
  const Route route = s.write_route(a);
  // Every attempt the ApiClient makes for this one write fails.
  s.add_fault(json::object{{"kind", "500"},
                           {"path", route.path},
                           {"method", route.method},
                           {"nth", 1},
                           {"times", s.max_attempts()}});
  const auto error = error_of(f, c.update(a.id, a.parent_id, Fields{{caps.name_field, "Failing"}}));
  REQUIRE(error.has_value());
  const std::string message = error->what();
  CAPTURE(message);
  CHECK(error->error_class() == ErrorClass::transient);

  const Record updated = f.run(c.update(b.id, b.parent_id, Fields{{caps.name_field, "Fine"}}));
  CHECK(field(updated, caps.name_field) == "Fine");
  const auto listing = list(f);
  const Record* listed_a = find(listing, a.id);
  REQUIRE(listed_a != nullptr);
  CHECK(field(*listed_a, caps.name_field) ==
        field(Record{a.id, a.parent_id, f.person("fail.a", email_for("fail.a"))}, caps.name_field));
  s.clear_faults();
}
TEST_CASE_TEMPLATE_APPLY(write_failure, SandboxFixtures);

TEST_CASE_TEMPLATE_DEFINE("conformance: a busy run stays within the product's rate limits", F,
                          rate_limits) {
  Setup setup;
  setup.limits = true;
  F f(setup);
  SandboxFixture& s = *f.sandbox();
  Connector& c = f.connector();
  const auto& caps = f.caps();
  // Twice the window's allowance (bounded), mixing reads and writes.
  const std::int64_t goal = std::max(2 * s.window_limit(), 20);
  int round = 0;
  std::string cursor;
  while (s.product_requests() < goal && round < 100) {
    const std::string tag = "busy" + std::to_string(round++);
    const auto listing = list(f, cursor);
    cursor = listing.cursor;
    const Record created = f.run(c.create(f.default_parent(), f.person(tag, email_for(tag))));
    f.run(c.update(created.id, created.parent_id, Fields{{caps.name_field, "Busy " + tag}}));
    CHECK(f.run(c.find_by_email(email_for(tag))).has_value());
  }
  const auto counters = s.counters();
  MESSAGE(
      caps.collection << ": " << s.product_requests() << " calls in " << round
                      << " rounds, paced over "
                      << std::chrono::duration_cast<std::chrono::seconds>(s.clock().slept()).count()
                      << " s");
  CHECK(s.product_requests() >= goal);
  CHECK(counters.at("limited_total").as_int64() == 0);
  CHECK(s.api().retries() == 0);
  if (s.window_limit() > 0)
    CHECK(s.clock().slept() > 0s);  // the bucket did the pacing
}
TEST_CASE_TEMPLATE_APPLY(rate_limits, SandboxFixtures);

TEST_CASE_TEMPLATE_DEFINE("conformance: no token or secret appears in any log line or error", F,
                          secrets_in_logs) {
  std::ostringstream captured;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(captured);
  auto logger = std::make_shared<spdlog::logger>("capture", sink);
  logger->set_level(spdlog::level::trace);
  logger->flush_on(spdlog::level::trace);
  const auto previous = spdlog::default_logger();
  const auto previous_level = spdlog::get_level();
  spdlog::set_default_logger(logger);
  spdlog::set_level(spdlog::level::trace);

  std::vector<std::string> secrets;
  std::vector<std::string> messages;
  {
    Setup setup;
    setup.logger = logger;
    F f(setup);
    SandboxFixture& s = *f.sandbox();
    Connector& c = f.connector();
    const auto& caps = f.caps();
    secrets.push_back(s.info_string("client_secret"));
    secrets.push_back(s.info_string("refresh_token"));
    auto remember = [&](auto call) {
      try {
        f.run(std::move(call));
      } catch (const std::exception& error) {
        messages.emplace_back(error.what());
      }
    };

    const auto listing = list(f);
    secrets.push_back(f.run(s.tokens().token()).value);
    const Record created = f.run(c.create(f.default_parent(), f.person("log", email_for("log"))));
    remember(c.update(created.id, created.parent_id, Fields{{caps.name_field, "Logged"}}));
    remember(c.find_by_email(email_for("log")));
    remember(c.list(listing.cursor));
    // A refused record, a failing read, an expired token, a throttled refresh.
    remember(c.create(f.default_parent(), f.refused_person("log.bad", email_for("log.bad"))));
    const Route route = s.read_route();
    s.add_fault(json::object{{"kind", "500"},
                             {"path", route.path},
                             {"method", route.method},
                             {"nth", 1},
                             {"times", 10}});
    remember(c.list(""));
    s.clear_faults();
    s.advance_sandbox(3700s);
    remember(c.list(""));
    secrets.push_back(f.run(s.tokens().token()).value);
    remember(c.remove(created.id, created.parent_id));
  }
  spdlog::set_default_logger(previous);
  spdlog::set_level(previous_level);

  const std::string logs = captured.str();
  if (std::getenv("ZOHOSYNC_SHOW_LOGS")) {
    std::cout << logs;
    for (const auto& message : messages)
      std::cout << "error: " << message << "\n";
  }
  CHECK(logs.find("GET") != std::string::npos);  // the run really logged its requests
  CHECK(!messages.empty());
  CHECK(logs.find("Zoho-oauthtoken") == std::string::npos);
  for (const auto& secret : secrets) {
    REQUIRE(secret.size() >= 8);
    CHECK(logs.find(secret) == std::string::npos);
    for (const auto& message : messages) {
      CAPTURE(message);
      CHECK(message.find(secret) == std::string::npos);
    }
  }
}
TEST_CASE_TEMPLATE_APPLY(secrets_in_logs, SandboxFixtures);
