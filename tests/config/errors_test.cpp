// Each kind of user error is reported with the exact file:line:column and key
// path, and every problem in a file is reported at once.
#include <doctest/doctest.h>

#include "tests/config/helpers.hpp"

namespace zohosync::config::test {

struct ErrorCase {
  const char* name;
  const char* toml;
  const char* expected_prefix;  // "FILE:LINE:COLUMN: error: KEY:"
  const char* message_part;     // a piece of the message
};

TEST_CASE("each error kind names file, line, column and key") {
  CleanSecretEnv clean;
  const ErrorCase cases[] = {
      // Wrong types.
      {"type: string expected", "[service]\nlog_level = 3\n",
       "test.toml:2:13: error: service.log_level:", "expected a string, got an integer"},
      {"type: boolean expected", "[crm]\nenabled = \"yes\"\n",
       "test.toml:2:11: error: crm.enabled:", "expected a boolean"},
      {"type: table expected", "service = 5\n", "test.toml:1:", "expected a table, got an integer"},
      {"type: array element", "[contracts]\ncounterparties = [\"acme\",\n  7]\n",
       "test.toml:3:3: error: contracts.counterparties:", "an element is an integer"},
      {"type: duration", "[collections.crm.contacts]\npoll_interval = \"5 minutes\"\n",
       "test.toml:2:17: error: collections.crm.contacts.poll_interval:", "invalid duration"},
      // Unknown keys.
      {"unknown key with suggestion", "[service]\nlog_levl = \"info\"\n",
       "test.toml:2:1: error: service.log_levl:", "did you mean \"log_level\"?"},
      {"unknown table", "[servce]\nstate_dir = \"/x\"\n",
       "test.toml:1:2: error: servce:", "did you mean \"service\"?"},
      {"unknown collection", "[collections.crm.leads]\nenabled = true\n",
       "test.toml:1:18: error: collections.crm.leads:", "unknown key \"leads\""},
      {"field the collection does not carry",
       "[collections.projects.contacts.fields]\nphone = \"both\"\n",
       "test.toml:2:1: error: collections.projects.contacts.fields.phone:",
       "projects.contacts does not carry the field \"phone\""},
      // Values out of range or not among the choices.
      {"enum", "[sync]\non_delete = \"delete\"\n", "test.toml:2:13: error: sync.on_delete:",
       "expected \"unlink\" | \"propagate\" | \"ignore\""},
      {"share", "[sync]\nmass_delete_share = 1.5\n",
       "test.toml:2:21: error: sync.mass_delete_share:", "from 0 to 1"},
      {"quoted collection id", "[collections]\n\"crm.contacts\".poll_interval = 0\n",
       "test.toml:2:32: error: collections.crm.contacts.poll_interval:", "from 1s to 30d"},
      {"absurd poll interval", "[collections.crm.contacts]\npoll_interval = \"1000000d\"\n",
       "test.toml:2:17: error: collections.crm.contacts.poll_interval:", "from 1s to 30d"},
      {"absurd timeout", "[http]\ntimeout = \"100000d\"\n",
       "test.toml:2:11: error: http.timeout:", "from 1s to 1h"},
      {"absurd response cap", "[http]\nmax_response_bytes = 4294967296\n",
       "test.toml:2:22: error: http.max_response_bytes:", "from 1024 to 1073741824"},
      {"a request budget beyond int", "[http.crm]\nrequests = 4294967297\n",
       "test.toml:2:12: error: http.crm.requests:", "from 1 to 1000000"},
      {"jitter not below interval",
       "[collections.crm.contacts]\npoll_interval = \"1m\"\npoll_jitter = \"1m\"\n",
       "test.toml:3:15: error: collections.crm.contacts.poll_jitter:",
       "shorter than poll_interval"},
      {"jitter not below a short interval", "[collections.crm.contacts]\npoll_interval = \"10s\"\n",
       "test.toml:2:17: error: collections.crm.contacts.poll_jitter:",
       "shorter than poll_interval"},
      {"one option set through both table spellings",
       "[collections.\"crm.contacts\"]\ncreate = true\n[collections.crm.contacts]\ncreate = "
       "false\n",
       "test.toml:", "set twice"},
      {"relative state dir", "[service]\nstate_dir = \"state\"\n",
       "test.toml:2:13: error: service.state_dir:", "absolute path"},
      // Missing required options, placed where they became required.
      {"priority list under policy = priority", "[sync]\nconflict_policy = \"priority\"\n",
       "test.toml:2:19: error: sync.priority:", "required when conflict_policy = \"priority\""},
      {"unknown collection in priority", "[sync]\npriority = [\"crm.contacts\", \"crm.leads\"]\n",
       "test.toml:2:12: error: sync.priority:", "unknown collection \"crm.leads\""},
      {"default parent under create = true", "[collections.projects.contacts]\ncreate = true\n",
       "test.toml:2:10: error: collections.projects.contacts.default_client_id:",
       "required when create = true"},
      {"invite needs allow_invite", "[collections.inventory.users]\ncreate = true\n",
       "test.toml:2:10: error: collections.inventory.users.allow_invite:", "invitation e-mail"},
      {"organization id when inventory is enabled",
       "[oauth]\nclient_id = \"x\"\n[inventory]\nenabled = true\n",
       "test.toml:4:11: error: inventory.organization_id:", "required when inventory.enabled"},
      {"client id when a product is enabled", "[crm]\nenabled = true\n",
       "test.toml:2:11: error: oauth.client_id:", "required when a product is enabled"},
      // URLs.
      {"malformed URL", "[zoho]\nbase_url = \"https//zoho.example\"\n",
       "test.toml:2:12: error: zoho.base_url:", "malformed URL"},
      {"bad port", "[crm]\napi_url = \"https://crm.example:99999\"\n",
       "test.toml:2:11: error: crm.api_url:", "port"},
      {"http to a non-loopback host", "[crm]\napi_url = \"http://crm.example.com\"\n",
       "test.toml:2:11: error: crm.api_url:", "only for loopback"},
      {"http to a non-loopback accounts server", "[oauth]\naccounts_url = \"http://10.0.0.1:80\"\n",
       "test.toml:2:16: error: oauth.accounts_url:", "only for loopback"},
      {"unknown data centre", "[zoho]\ndata_centre = \"us\"\n",
       "test.toml:2:15: error: zoho.data_centre:", "invalid value \"us\""},
      // Selective sync.
      {"an include rule that does not parse",
       "[collections.crm.contacts]\ninclude = [\"Contact_Type = Customer\", \"Contact_Type "
       "Lead\"]\n",
       "test.toml:2:11: error: collections.crm.contacts.include:",
       "rule \"Contact_Type Lead\": after the field name comes =, !=, in, not in, exists or "
       "missing"},
      {"an include rule on a field the records do not carry",
       "[collections.projects.contacts]\ninclude = [\"phone exists\"]\n",
       "test.toml:2:11: error: collections.projects.contacts.include:",
       "projects.contacts records carry no field \"phone\" (they carry: first_name, last_name, "
       "email)"},
      {"an include rule a create cannot meet on a create target",
       "[collections.crm.contacts]\ncreate = true\ninclude = [\"Tag exists\"]\n",
       "test.toml:2:10: error: collections.crm.contacts.include:",
       "cannot be met by a record zohosync creates"},
      {"an include rule listed twice",
       "[collections.crm.contacts]\ninclude = [\"Contact_Type = Customer\", "
       "\"Contact_Type == Customer\"]\n",
       "test.toml:2:11: error: collections.crm.contacts.include:", "listed twice"},
      {"include rules naming more fields than CRM reads in one request",
       "[collections.crm.contacts]\ninclude = [\"F1 exists\", \"F2 exists\", \"F3 exists\", "
       "\"F4 exists\", \"F5 exists\", \"F6 exists\", \"F7 exists\", \"F8 exists\", \"F9 "
       "exists\", \"F10 exists\", \"F11 exists\", \"F12 exists\", \"F13 exists\", \"F14 exists\", "
       "\"F15 exists\", \"F16 exists\", \"F17 exists\", \"F18 exists\", \"F19 exists\", \"F20 "
       "exists\", \"F21 exists\", \"F22 exists\", \"F23 exists\", \"F24 exists\", \"F25 exists\", "
       "\"F26 exists\", \"F27 exists\", \"F28 exists\", \"F29 exists\", \"F30 exists\", \"F31 "
       "exists\", \"F32 exists\", \"F33 exists\", \"F34 exists\", \"F35 exists\", \"F36 exists\", "
       "\"F37 exists\", \"F38 exists\", \"F39 exists\", \"F40 exists\"]\n",
       "test.toml:2:11: error: collections.crm.contacts.include:", "more than 39 fields"},
      // TOML syntax.
      {"syntax error", "[service]\nlog_level = \"info\n", "test.toml:2:", ""},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    auto result = load(c.toml);
    CAPTURE(all_text(result));
    CHECK_FALSE(result.ok());
    auto errs = errors(result);
    REQUIRE(errs.size() == 1);
    std::string text = errs[0].to_string();
    CHECK(text.starts_with(c.expected_prefix));
    CHECK(text.find(c.message_part) != std::string::npos);
  }
}

TEST_CASE("every problem in a file is reported at once, in file order") {
  CleanSecretEnv clean;
  auto result = load(R"([service]
log_level = "loud"
metrics = "127.0.0.1:9464"

[collections.crm.contacts]
poll_interval = true

[sync]
conflict_policy = "priority"
)");
  auto errs = errors(result);
  REQUIRE(errs.size() == 4);
  CHECK(errs[0].to_string().starts_with("test.toml:2:13: error: service.log_level:"));
  CHECK(errs[1].to_string().starts_with("test.toml:3:1: error: service.metrics:"));
  CHECK(errs[2].to_string().starts_with(
      "test.toml:6:17: error: collections.crm.contacts.poll_interval:"));
  CHECK(errs[3].to_string().starts_with("test.toml:9:19: error: sync.priority:"));
}

TEST_CASE("a config file that does not exist or cannot be parsed never throws") {
  auto missing = load_file("/nonexistent/zohosync.toml");
  CHECK_FALSE(missing.ok());
  REQUIRE(missing.diagnostics.size() == 1);
  CHECK(missing.diagnostics[0].to_string() ==
        "/nonexistent/zohosync.toml: error: cannot read the configuration file");
  auto directory = load_file("/tmp");
  CHECK_FALSE(directory.ok());
  CHECK_FALSE(directory.config);
  const char* garbage[] = {"\x01\x02\xff",
                           "[[[",
                           "a = [1, \"x\"]",
                           "[service]\n[service]\n",
                           "service.state_dir = 1\nservice = {}",
                           "= 5",
                           "[a.b.c.d.e.f]"};
  for (const char* text : garbage) {
    CAPTURE(text);
    LoadResult result;
    CHECK_NOTHROW(result = load(text));
    CHECK_FALSE(result.ok());
  }
}

TEST_CASE("Diagnostic::to_string omits what is unknown") {
  Diagnostic d{Severity::warning, "f.toml", 0, 0, "", "something"};
  CHECK(d.to_string() == "f.toml: warning: something");
  d.line = 3;
  d.key_path = "a.b";
  CHECK(d.to_string() == "f.toml:3: warning: a.b: something");
  d.column = 7;
  d.severity = Severity::error;
  CHECK(d.to_string() == "f.toml:3:7: error: a.b: something");
}

TEST_CASE("an empty file is valid and means defaults") {
  CleanSecretEnv clean;
  auto result = load("");
  CHECK(result.ok());
  const Config& c = *result.config;
  CHECK(c.service.log_level == "info");
  CHECK(c.service.log_format == "text");
  CHECK(c.service.metrics_listen.empty());
  CHECK(c.sync.mass_delete_share == doctest::Approx(0.2));
  CHECK(c.sync.conflict_policy == ConflictPolicy::newest);
  for (const auto& id : collection_ids())
    CHECK_FALSE(c.collection(id).active);
  // Nothing to sync is worth a warning, not an error.
  CHECK(warnings(result).size() == 1);
}

}  // namespace zohosync::config::test
