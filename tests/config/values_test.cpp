// Durations, field maps and per-collection options as the rest of zohosync
// sees them.
#include <doctest/doctest.h>

#include "config/duration.hpp"
#include "tests/config/helpers.hpp"

namespace zohosync::config::test {

using namespace std::chrono_literals;

TEST_CASE("durations: integer seconds or unit strings, round-tripping") {
  using detail::format_duration;
  using detail::parse_duration;
  struct Case {
    const char* text;
    std::optional<Duration> value;
  };
  const Case cases[] = {
      {"500ms", 500ms},
      {"90s", 90s},
      {"5m", 5min},
      {"1h30m", 90min},
      {"2d", 48h},
      {"0s", 0ms},
      {"1d2h3m4s5ms", 93784005ms},
      {"", std::nullopt},
      {"5", std::nullopt},
      {"m", std::nullopt},
      {"5 m", std::nullopt},
      {"-5s", std::nullopt},
      {"5w", std::nullopt},
      {"99999999999999999d", std::nullopt},
      // Each group fits, the sum does not.
      {"9999999999d9999999999d9999999999d9999999999d9999999999d9999999999d9999999999d"
       "9999999999d9999999999d9999999999d9999999999d9999999999d",
       std::nullopt},
  };
  for (const auto& c : cases) {
    CAPTURE(c.text);
    CHECK(parse_duration(c.text) == c.value);
    if (c.value)
      CHECK(parse_duration(format_duration(*c.value)) == c.value);
  }
  CHECK(format_duration(90min) == "1h30m");
  CHECK(format_duration(1500ms) == "1s500ms");

  CleanSecretEnv clean;
  auto result = load("[collections.crm.contacts]\npoll_interval = 90\npoll_jitter = \"1500ms\"\n");
  REQUIRE(result.ok());
  CHECK(result.config->collection("crm.contacts").poll_interval == 90s);
  CHECK(result.config->collection("crm.contacts").poll_jitter == 1500ms);
}

TEST_CASE("collections: field directions, creates, parents and delete policy") {
  CleanSecretEnv clean;
  auto result = load(R"([oauth]
client_id = "id"
[inventory]
enabled = true
organization_id = "42"
[projects]
enabled = true
portal_id = "p"

[collections.inventory.contact_persons]
create = true
default_contact_id = "460000000026049"
on_delete = "propagate"
blank_overwrite_fields = ["phone"]
[collections.inventory.contact_persons.fields]
phone = "from_product"
skype = "off"

[collections.inventory.users]
enabled = false
create = true
allow_invite = true

[collections.projects.contacts]
create = true
default_client_id = "170876000003063001"

[sync]
on_delete = "ignore"
conflict_policy = "priority"
priority = ["crm.contacts", "projects.contacts"]
)");
  CAPTURE(all_text(result));
  REQUIRE(result.ok());
  const Config& c = *result.config;
  const auto& persons = c.collection("inventory.contact_persons");
  CHECK(persons.active);
  CHECK(persons.product == Product::inventory);
  CHECK(persons.create);
  CHECK(persons.default_parent == "460000000026049");
  CHECK(persons.on_delete == DeletePolicy::propagate);
  CHECK(persons.effective_on_delete == DeletePolicy::propagate);
  CHECK(persons.fields.at("phone") == Direction::from_product);
  CHECK(persons.fields.at("skype") == Direction::off);
  CHECK(persons.fields.at("email") == Direction::both);
  CHECK(persons.fields.size() == 9);
  CHECK(persons.blank_overwrite_fields == std::vector<std::string>{"phone"});

  CHECK_FALSE(c.collection("inventory.users").active);  // disabled itself
  CHECK_FALSE(c.collection("crm.contacts").active);     // product off
  CHECK(c.collection("projects.contacts").fields.size() == 3);
  CHECK(c.collection("projects.contacts").effective_on_delete == DeletePolicy::ignore);
  CHECK(c.sync.conflict_policy == ConflictPolicy::priority);
  CHECK(c.sync.priority == std::vector<std::string>{"crm.contacts", "projects.contacts"});
  CHECK(c.priority_rank("crm.contacts") == 0);
  CHECK(c.priority_rank("projects.contacts") == 1);
  CHECK(c.priority_rank("inventory.users") == 2);  // unlisted: after every listed one
  CHECK(c.blank_may_clear("inventory.contact_persons", "phone"));
  CHECK_FALSE(c.blank_may_clear("inventory.contact_persons", "mobile"));
  CHECK_FALSE(c.blank_may_clear("crm.contacts", "phone"));
}

TEST_CASE("include rules: CRM on any field, the others on the fields their records carry") {
  CleanSecretEnv clean;
  auto result = load(R"([collections.crm.contacts]
create = true
include = ["Contact_Type in Customer, Reseller", "Lead_Source != Cold Call", "Tag missing"]
[collections.inventory.contact_persons]
include = ["department = Purchasing"]
[collections.contracts.counterparty_contacts]
include = ["displayName exists"]
)");
  CAPTURE(all_text(result));
  REQUIRE(result.ok());
  const Config& c = *result.config;
  CHECK(c.collection("crm.contacts").include.size() == 3);
  CHECK(c.collection("inventory.contact_persons").include ==
        std::vector<std::string>{"department = Purchasing"});
  CHECK(c.collection("projects.contacts").include.empty());
}

TEST_CASE("blank_overwrite_fields must name fields the collection carries") {
  CleanSecretEnv clean;
  auto result = load("[collections.projects.contacts]\nblank_overwrite_fields = [\"phone\"]\n");
  auto errs = errors(result);
  REQUIRE(errs.size() == 1);
  CHECK(errs[0].to_string().starts_with(
      "test.toml:2:26: error: collections.projects.contacts.blank_overwrite_fields:"));
}

// An absurd number or duration is refused where it is written, for every
// key: none overflows later (a poll interval of a million days once made the
// daemon poll without pause).
TEST_CASE("every integer and duration option has a range that refuses absurd values") {
  CleanSecretEnv clean;
  std::size_t checked = 0;
  for (const auto& o : schema()) {
    if (o.type != "integer" && o.type != "duration")
      continue;
    CAPTURE(o.key_path);
    const std::vector<std::string> absurd =
        o.type == "integer"
            ? std::vector<std::string>{"9223372036854775807", "-1"}
            : std::vector<std::string>{"\"1000000d\"", "\"100000000000d\"", "3153600000"};
    for (const std::string& value : absurd) {
      CAPTURE(value);
      auto result = load(o.key_path + " = " + value + "\n");
      auto errs = errors(result);
      REQUIRE(errs.size() == 1);
      CHECK(errs[0].to_string().starts_with("test.toml:1:"));
      CHECK(errs[0].to_string().find(o.key_path) != std::string::npos);
    }
    ++checked;
  }
  CHECK(checked >= 20);
}

TEST_CASE("schema(): every collection carries its fields, and defaults match Config{}") {
  std::size_t field_options = 0;
  for (const auto& o : schema()) {
    if (o.key_path.find(".fields.") != std::string::npos)
      ++field_options;
  }
  std::size_t carried = 0;
  for (const auto& id : collection_ids())
    carried += carried_fields(id).size();
  CHECK(field_options == carried);
  CHECK(carried == 9 + 3 + 3 + 9 + 3);
}

}  // namespace zohosync::config::test
