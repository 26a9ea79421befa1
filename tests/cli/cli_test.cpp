// Exit codes of the zohosync command line, as scripts and systemd see them.
#include <doctest/doctest.h>

#include <algorithm>

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <ctime>

#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <iterator>

#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <string>
#include <vector>

#include "connectors/limits/request_ledger.hpp"
#include "daemon/cli.hpp"
#include "daemon/exit_codes.hpp"
#include "state/outbox.hpp"
#include "state/store.hpp"
#include "state/tables.hpp"

namespace fs = std::filesystem;
namespace exit_code = zohosync::daemon::exit_code;

namespace {

int run(std::initializer_list<std::string> args) {
  std::vector<std::string> storage{"zohosync"};
  storage.insert(storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& s : storage)
    argv.push_back(s.data());
  return zohosync::daemon::run_cli(static_cast<int>(argv.size()), argv.data());
}

struct TempDir {
  fs::path path;
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "zohosync-cli-XXXXXX").string();
    path = mkdtemp(pattern.data());
  }
  ~TempDir() { fs::remove_all(path); }
};

const std::string kExample = std::string(ZOHOSYNC_SOURCE_DIR) + "/config/zohosync.example.toml";

}  // namespace

TEST_CASE("usage errors exit 64") {
  CHECK(run({"--no-such-option"}) == exit_code::kUsage);
  CHECK(run({}) == exit_code::kUsage);  // a subcommand is required
  CHECK(run({"no-such-command"}) == exit_code::kUsage);
  CHECK(run({"status", "--log-level", "loud"}) == exit_code::kUsage);
}

TEST_CASE("--help and --version exit 0") {
  CHECK(run({"--help"}) == exit_code::kOk);
  CHECK(run({"--version"}) == exit_code::kOk);
  for (const char* sub :
       {"daemon", "reconcile", "check-config", "status", "journal", "conflicts"}) {
    CAPTURE(sub);
    CHECK(run({sub, "--help"}) == exit_code::kOk);
  }
}

TEST_CASE("check-config accepts the shipped example") {
  CHECK(run({"check-config", "--config", kExample}) == exit_code::kOk);
  // Global options are accepted before the subcommand too.
  CHECK(run({"--config", kExample, "check-config"}) == exit_code::kOk);
}

TEST_CASE("check-config: a missing file is EX_NOINPUT, a bad file EX_CONFIG") {
  TempDir dir;
  CHECK(run({"check-config", "--config", (dir.path / "absent.toml").string()}) ==
        exit_code::kNoInput);
  auto bad = dir.path / "bad.toml";
  std::ofstream(bad) << "[service]\nno_such_key = 1\n";
  CHECK(run({"check-config", "--config", bad.string()}) == exit_code::kConfig);
  CHECK(run({"check-config", "--config", kExample, "--base-url", "http://example.com"}) ==
        exit_code::kConfig);  // plain http only for loopback
  CHECK(run({"check-config", "--config", kExample, "--base-url", "http://127.0.0.1:8080"}) ==
        exit_code::kOk);
}

TEST_CASE("status works on a fresh state dir and does not create it") {
  TempDir dir;
  auto state_dir = dir.path / "state";
  CHECK(run({"status", "--config", kExample, "--state-dir", state_dir.string()}) == exit_code::kOk);
  CHECK_FALSE(fs::exists(state_dir));
  CHECK(run({"status", "--json", "--config", (dir.path / "absent.toml").string(), "--state-dir",
             state_dir.string()}) == exit_code::kOk);
}

TEST_CASE("the daemon refuses to start without its credentials (EX_CONFIG)") {
  TempDir dir;
  CHECK(run({"daemon", "--config", kExample, "--state-dir", dir.path.string()}) ==
        exit_code::kConfig);
}

namespace {

// Runs the CLI with stdout redirected into a file and returns what it printed.
struct Captured {
  int exit_code = -1;
  std::string out;
};

Captured run_captured(std::initializer_list<std::string> args) {
  TempDir dir;
  auto path = dir.path / "stdout";
  std::fflush(stdout);
  int saved = dup(STDOUT_FILENO);
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  REQUIRE(fd >= 0);
  dup2(fd, STDOUT_FILENO);
  close(fd);
  Captured captured;
  captured.exit_code = run(args);
  std::fflush(stdout);
  dup2(saved, STDOUT_FILENO);
  close(saved);
  std::ifstream in(path);
  captured.out.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return captured;
}

std::vector<boost::json::object> json_lines(const std::string& text) {
  std::vector<boost::json::object> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string::npos)
      end = text.size();
    if (end > start)
      lines.push_back(boost::json::parse(text.substr(start, end - start)).as_object());
    start = end + 1;
  }
  return lines;
}

void write_journal(const fs::path& state_dir) {
  auto store = zohosync::state::Store::open(state_dir.string());
  auto txn = store.begin_write();
  // Bob's as a product may store it, with blanks around it.
  const char* emails[] = {"Ann@Example.com", " bob@example.com\t", "ann@example.com"};
  std::int64_t time_ms = 1'790'000'000'000;  // 2026-09-22
  for (const char* email : emails) {
    zohosync::state::JournalEntry entry;
    entry.time_ms = time_ms;
    time_ms += 86'400'000;
    entry.person_email = email;
    entry.operation = "update";
    entry.origin_collection = "crm.contacts";
    entry.origin_record = "1001";
    entry.target_collection = "projects.contacts";
    entry.target_record = "77";
    entry.fields.push_back({"phone", "+1 555 0100", "+1 555 0199"});
    entry.reason = "phone changed in crm.contacts";
    zohosync::state::Journal::append(txn, store, entry);
  }
  std::move(txn).commit();
}

}  // namespace

TEST_CASE("--version names the version, the commit and the build type") {
  const auto version = run_captured({"--version"});
  CHECK(version.exit_code == exit_code::kOk);
  CAPTURE(version.out);
  // "zohosync X.Y.Z (commit HEX|unknown, BUILD TYPE)\n" (no std::regex: GCC 12
  // warns inside it under the sanitizer build).
  const std::string& out = version.out;
  const auto open = out.find(" (commit ");
  const auto comma = out.find(", ", open);
  REQUIRE(open != std::string::npos);
  REQUIRE(comma != std::string::npos);
  const std::string number = out.substr(9, open - 9);
  const std::string commit = out.substr(open + 9, comma - open - 9);
  const std::string type = out.substr(comma + 2, out.size() - comma - 4);
  CHECK(out.rfind("zohosync ", 0) == 0);
  CHECK(std::count(number.begin(), number.end(), '.') == 2);
  CHECK(number.find_first_not_of("0123456789.") == std::string::npos);
  CHECK(
      (commit == "unknown" ||
       (commit.size() >= 4 && commit.find_first_not_of("0123456789abcdef") == std::string::npos)));
  CHECK_FALSE(type.empty());
  CHECK(type.find_first_of(",()") == std::string::npos);
  CHECK(out.size() > 2);
  CHECK(out.substr(out.size() - 2) == ")\n");
}

TEST_CASE("journal and status read what the store holds") {
  TempDir dir;
  auto state_dir = dir.path / "state";
  auto empty = run_captured({"journal", "--config", kExample, "--state-dir", state_dir.string()});
  CHECK(empty.exit_code == exit_code::kOk);
  CHECK_FALSE(fs::exists(state_dir));
  write_journal(state_dir);

  auto all =
      run_captured({"journal", "--json", "--config", kExample, "--state-dir", state_dir.string()});
  REQUIRE(all.exit_code == exit_code::kOk);
  auto entries = json_lines(all.out);
  REQUIRE(entries.size() == 3);
  CHECK(entries[0]["seq"].to_number<std::uint64_t>() <
        entries[1]["seq"].to_number<std::uint64_t>());
  CHECK(entries[0]["fields"].as_array()[0].as_object()["after"] == "+1 555 0199");

  // --person compares by the email key (case, blanks and trailing dots aside);
  // --limit counts matching entries.
  auto ann = run_captured({"journal", "--json", "--person", " ANN@example.com.", "--limit", "1",
                           "--config", kExample, "--state-dir", state_dir.string()});
  auto ann_entries = json_lines(ann.out);
  REQUIRE(ann_entries.size() == 1);
  CHECK(ann_entries[0]["person_email"] == "Ann@Example.com");

  auto after_first = run_captured({"journal", "--json", "--since",
                                   std::to_string(entries[0]["seq"].to_number<std::uint64_t>()),
                                   "--config", kExample, "--state-dir", state_dir.string()});
  CHECK(json_lines(after_first.out).size() == 2);
  auto by_time = run_captured({"journal", "--json", "--since", "2026-09-23T12:00:00Z", "--config",
                               kExample, "--state-dir", state_dir.string()});
  CHECK(json_lines(by_time.out).size() == 1);
  CHECK(run({"journal", "--since", "soon", "--config", kExample, "--state-dir",
             state_dir.string()}) == exit_code::kUsage);
  // The entries are at 14:13:20 UTC on 2026-09-21, -22 and -23: a time after
  // a space is read, and an offset moves the instant.
  auto by_spaced_time = run_captured({"journal", "--json", "--since", "2026-09-22 15:00",
                                      "--config", kExample, "--state-dir", state_dir.string()});
  CHECK(by_spaced_time.exit_code == exit_code::kOk);
  CHECK(json_lines(by_spaced_time.out).size() == 1);
  auto by_offset = run_captured({"journal", "--json", "--since", "2026-09-22T19:00+05:00",
                                 "--config", kExample, "--state-dir", state_dir.string()});
  CHECK(json_lines(by_offset.out).size() == 2);
  // Relative to now, all three are older than a day.
  auto last_day = run_captured(
      {"journal", "--since", "-1d", "--config", kExample, "--state-dir", state_dir.string()});
  CHECK(last_day.exit_code == exit_code::kOk);
  CHECK(last_day.out == "journal: no matching entries\n");

  // Each --json line says its layout's version.
  for (auto& entry : entries)
    CHECK(entry["schema"] == 1);
  // The text shows an email without the blanks it was stored with.
  auto text = run_captured({"journal", "--config", kExample, "--state-dir", state_dir.string()});
  CHECK(text.out.find(" update bob@example.com projects.contacts/77 <- crm.contacts/1001 (") !=
        std::string::npos);

  auto status =
      run_captured({"status", "--json", "--config", kExample, "--state-dir", state_dir.string()});
  REQUIRE(status.exit_code == exit_code::kOk);
  auto doc = boost::json::parse(status.out).as_object();
  CHECK(doc["initialised"] == true);
  CHECK(doc["entries"].as_object()["journal"] == 3);
  CHECK(doc["collections"].as_object().contains("crm.contacts"));
}

namespace {

constexpr const char* kProjectsContacts = "projects.contacts";
constexpr const char* kContractsContacts = "contracts.counterparty_contacts";

// Ann (person 7, email from crm.contacts) with her Projects record held on
// bob@example.com and her Contracts record on cy@example.com.
void write_two_conflicts(const fs::path& state_dir) {
  namespace mapping = zohosync::mapping;
  auto store = zohosync::state::Store::open(state_dir.string());
  auto txn = store.begin_write();
  zohosync::state::Tables tables(txn, store);
  mapping::PersonRow ann;
  ann.id = 7;
  ann.values[mapping::Field::email] = "ann@example.com";
  ann.values[mapping::Field::first_name] = "Ann";
  ann.values[mapping::Field::last_name] = "Lee";
  for (auto& origin : ann.origins)
    origin = {1'790'000'000'000, "crm.contacts"};
  tables.put_person(ann);
  tables.put_email("ann@example.com", ann.id);
  const std::pair<const char*, const char*> records[] = {
      {"crm.contacts", "k1"}, {kProjectsContacts, "p1"}, {kContractsContacts, "c1"}};
  for (const auto& [collection, record] : records) {
    mapping::LinkRow link;
    link.collection = collection;
    link.record_id = record;
    link.person = ann.id;
    link.base = ann.values;
    link.parent_id = "parent-1";
    tables.put_link(link);
  }
  const std::pair<const char*, const char*> held[] = {{kProjectsContacts, "bob@example.com"},
                                                      {kContractsContacts, "cy@example.com"}};
  for (const auto& [collection, value] : held) {
    mapping::ConflictRow row;
    row.person = ann.id;
    row.field = mapping::Field::email;
    row.collection = collection;
    row.record_id = std::string(collection) == kProjectsContacts ? "p1" : "c1";
    row.remote_value = value;
    row.canonical_value = "ann@example.com";
    row.opened_ms = 1'790'000'000'000;
    tables.put_conflict(row);
    mapping::LinkRow link = *tables.link(row.collection, row.record_id);
    link.base[mapping::Field::email] = value;  // its base is what it holds
    tables.put_link(link);
  }
  std::move(txn).commit();
}

std::size_t count_of(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
    ++n;
  return n;
}

}  // namespace

TEST_CASE("conflicts: two records of one person held on one field share an id") {
  TempDir dir;
  auto state_dir = dir.path / "state";
  write_two_conflicts(state_dir);
  const std::string sd = state_dir.string();

  auto list = run_captured({"conflicts", "list", "--config", kExample, "--state-dir", sd});
  REQUIRE(list.exit_code == exit_code::kOk);
  CHECK(count_of(list.out, "7:email") == 2);
  CHECK(count_of(list.out, kProjectsContacts) == 1);
  CHECK(count_of(list.out, kContractsContacts) == 1);
  CHECK(list.out.find("2 open conflicts; `zohosync conflicts show ID` for details\n") !=
        std::string::npos);
  CHECK(list.out.find("--collection") != std::string::npos);
  // --json: one document with the table's information.
  auto json =
      run_captured({"conflicts", "list", "--json", "--config", kExample, "--state-dir", sd});
  REQUIRE(json.exit_code == exit_code::kOk);
  auto doc = boost::json::parse(json.out).as_object();
  CHECK(doc["schema"] == 1);
  auto& listed = doc["conflicts"].as_array();
  REQUIRE(listed.size() == 2);
  for (auto& c : listed) {
    CHECK(c.as_object()["id"] == "7:email");
    CHECK(c.as_object()["email"] == "ann@example.com");
    CHECK(c.as_object()["current_value"] == "ann@example.com");
  }

  auto both =
      run_captured({"conflicts", "show", "7:email", "--config", kExample, "--state-dir", sd});
  REQUIRE(both.exit_code == exit_code::kOk);
  CHECK(count_of(both.out, "conflict 7:email\n") == 2);
  CHECK(both.out.find("  zohosync conflicts resolve 7:email --take crm.contacts --collection "
                      "projects.contacts\n") != std::string::npos);
  auto one = run_captured({"conflicts", "show", "7:email", "--collection", kContractsContacts,
                           "--config", kExample, "--state-dir", sd});
  REQUIRE(one.exit_code == exit_code::kOk);
  CHECK(count_of(one.out, "conflict 7:email\n") == 1);
  CHECK(one.out.find("\"cy@example.com\"") != std::string::npos);
  CHECK(one.out.find("bob@example.com") == std::string::npos);
  CHECK(run({"conflicts", "show", "7:email", "--collection", "crm.contacts", "--config", kExample,
             "--state-dir", sd}) == exit_code::kDataError);

  // Keeping the person's value: which record's conflict is meant must be named.
  CHECK(run({"conflicts", "resolve", "7:email", "--take", "crm.contacts", "--config", kExample,
             "--state-dir", sd}) == exit_code::kUsage);
  auto resolved =
      run_captured({"conflicts", "resolve", "7:email", "--take", "crm.contacts", "--collection",
                    kProjectsContacts, "--config", kExample, "--state-dir", sd});
  REQUIRE(resolved.exit_code == exit_code::kOk);
  CHECK(resolved.out ==
        "resolved 7:email: ann@example.com keeps \"ann@example.com\"; the next cycle writes it "
        "where it differs\n");
  {
    auto store = zohosync::state::Store::open(sd);
    auto txn = store.begin_write();
    zohosync::state::Tables tables(txn, store);
    auto left = tables.all_conflicts();
    REQUIRE(left.size() == 1);
    CHECK(left.front().collection == kContractsContacts);
    bool projects_update = false;
    for (const auto& entry : zohosync::state::Outbox::pending(txn, store)) {
      projects_update = projects_update || entry.action.collection == kProjectsContacts;
      CHECK(entry.action.collection != kContractsContacts);  // still held there
    }
    CHECK(projects_update);
  }

  // The one left needs no --collection.
  CHECK(run({"conflicts", "resolve", "7:email", "--take", "crm.contacts", "--config", kExample,
             "--state-dir", sd}) == exit_code::kOk);
  auto none = run_captured({"conflicts", "list", "--config", kExample, "--state-dir", sd});
  CHECK(none.out == "no open conflicts\n");
  auto none_json =
      run_captured({"conflicts", "list", "--json", "--config", kExample, "--state-dir", sd});
  CHECK(none_json.out == "{\"schema\":1,\"conflicts\":[]}\n");
}

TEST_CASE("conflicts: --take naming one of the collections resolves that one") {
  TempDir dir;
  auto state_dir = dir.path / "state";
  write_two_conflicts(state_dir);
  const std::string sd = state_dir.string();
  auto resolved = run_captured({"conflicts", "resolve", "7:email", "--take", kContractsContacts,
                                "--config", kExample, "--state-dir", sd});
  REQUIRE(resolved.exit_code == exit_code::kOk);
  CHECK(resolved.out ==
        "resolved 7:email: ann@example.com keeps \"cy@example.com\"; the next cycle writes it "
        "where it differs\n");
  auto store = zohosync::state::Store::open(sd);
  auto txn = store.begin_write();
  zohosync::state::Tables tables(txn, store);
  auto left = tables.all_conflicts();
  REQUIRE(left.size() == 1);
  CHECK(left.front().collection == kProjectsContacts);
  CHECK(tables.person(7)->values[zohosync::mapping::Field::email] == "cy@example.com");
}

TEST_CASE("status: the writes waiting in the outbox, per collection and kind, in text and --json") {
  TempDir dir;
  const fs::path state_dir = dir.path / "state";
  {
    namespace mapping = zohosync::mapping;
    auto store = zohosync::state::Store::open(state_dir.string());
    auto txn = store.begin_write();
    auto put = [&](mapping::ActionKind kind, const char* collection, const char* record,
                   mapping::PersonId person) {
      mapping::Action a;
      a.kind = kind;
      a.collection = collection;
      a.record_id = record;
      a.person = person;
      zohosync::state::Outbox::put(txn, store, a);
    };
    put(mapping::ActionKind::remove, kProjectsContacts, "p1", 1);
    put(mapping::ActionKind::remove, kProjectsContacts, "p2", 2);
    put(mapping::ActionKind::update, kProjectsContacts, "p3", 3);
    put(mapping::ActionKind::create, kContractsContacts, "", 4);
    std::move(txn).commit();
  }
  auto text = run_captured({"status", "--config", kExample, "--state-dir", state_dir.string()});
  REQUIRE(text.exit_code == exit_code::kOk);
  CHECK(text.out.find("pending writes: 4") != std::string::npos);
  CHECK(text.out.find("pending in projects.contacts: 0 create(s), 1 update(s), 2 delete(s)") !=
        std::string::npos);
  CHECK(text.out.find("pending in contracts.counterparty_contacts: 1 create(s), 0 update(s), "
                      "0 delete(s)") != std::string::npos);
  CHECK(text.out.find("pending in crm.contacts") == std::string::npos);

  auto json =
      run_captured({"status", "--json", "--config", kExample, "--state-dir", state_dir.string()});
  REQUIRE(json.exit_code == exit_code::kOk);
  auto doc = boost::json::parse(json.out).as_object();
  const auto& collections = doc["collections"].as_object();
  const auto& projects = collections.at(kProjectsContacts).at("pending").as_object();
  CHECK(projects.at("deletes") == 2);
  CHECK(projects.at("updates") == 1);
  CHECK(projects.at("creates") == 0);
  CHECK(collections.at(kContractsContacts).at("pending").at("creates") == 1);
  CHECK(collections.at("crm.contacts").at("pending").at("deletes") == 0);
  CHECK(doc["throttled_until"].as_object().empty());

  // A lockout Projects announced (its 30 minutes), recorded by whichever
  // process met it.
  zohosync::connectors::RequestLedger ledger(state_dir / "request_budgets");
  const auto until = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()) +
                     std::chrono::minutes(30);
  ledger.block_until(zohosync::connectors::Product::projects, until);
  const std::time_t until_t = std::chrono::system_clock::to_time_t(until);
  std::tm until_tm{};
  ::gmtime_r(&until_t, &until_tm);
  char until_text[32];
  std::strftime(until_text, sizeof until_text, "%Y-%m-%dT%H:%M:%SZ", &until_tm);
  auto locked = run_captured({"status", "--config", kExample, "--state-dir", state_dir.string()});
  CHECK(locked.out.find(std::string("throttled: projects until ") + until_text) !=
        std::string::npos);
  auto locked_json =
      run_captured({"status", "--json", "--config", kExample, "--state-dir", state_dir.string()});
  auto locked_doc = boost::json::parse(locked_json.out).as_object();
  CHECK(locked_doc["throttled_until"].as_object().at("projects") == until_text);
  CHECK_FALSE(locked_doc["throttled_until"].as_object().contains("crm"));
}
