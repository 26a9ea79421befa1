// SIGHUP support: which changes can be applied live and which need a restart.
#include <doctest/doctest.h>

#include <algorithm>

#include "tests/config/helpers.hpp"

namespace zohosync::config::test {
namespace {

Config must_load(const std::string& text, const LoadOptions& options = {}) {
  auto result = load(text, options);
  INFO(all_text(result));
  REQUIRE(result.ok());
  return *result.config;
}

}  // namespace

TEST_CASE("non_reloadable_changes lists only restart-only keys that changed") {
  CleanSecretEnv clean;
  const std::string base = R"([service]
log_level = "info"
[collections.crm.contacts]
poll_interval = "5m"
)";
  Config before = must_load(base);

  SUBCASE("nothing changed") {
    CHECK(non_reloadable_changes(before, before).empty());
  }

  SUBCASE("reloadable changes only") {
    Config after = must_load(R"([service]
log_level = "debug"
[collections.crm.contacts]
poll_interval = "1m"
[collections.crm.contacts.fields]
phone = "off"
[sync]
conflict_policy = "manual"
)");
    CHECK(non_reloadable_changes(before, after).empty());
  }

  SUBCASE("restart-only changes are named") {
    LoadOptions options;
    options.state_dir = "/srv/zohosync";
    Config after = must_load(R"([service]
log_level = "info"
metrics_listen = "127.0.0.1:9464"
)",
                             options);
    auto changed = non_reloadable_changes(before, after);
    CHECK(changed == std::vector<std::string>{"service.state_dir", "service.metrics_listen"});
  }

  SUBCASE("a new base_url moves every resolved URL") {
    LoadOptions options;
    options.base_url = "http://127.0.0.1:8080";
    Config after = must_load(base, options);
    auto changed = non_reloadable_changes(before, after);
    for (const char* key : {"zoho.base_url", "oauth.accounts_url", "inventory.api_url",
                            "projects.api_url", "crm.api_url", "contracts.api_url"}) {
      CAPTURE(key);
      CHECK(std::find(changed.begin(), changed.end(), key) != changed.end());
    }
  }
}

TEST_CASE("a reload keeps the running include rules, and says they change at a restart") {
  CleanSecretEnv clean;
  Config running = must_load("[collections.crm.contacts]\ninclude = [\"Lead_Source != Web\"]\n");
  Config next = must_load(
      "[collections.crm.contacts]\ninclude = [\"Contact_Type = Customer\"]\n"
      "poll_interval = \"2m\"\n[collections.inventory.contact_persons]\n"
      "include = [\"contact_type = customer\"]\n");
  const auto changed = non_reloadable_changes(running, next);
  CHECK(std::find(changed.begin(), changed.end(), "collections.crm.contacts.include") !=
        changed.end());
  keep_running_include_rules(running, next);
  CHECK(next.collection("crm.contacts").include == std::vector<std::string>{"Lead_Source != Web"});
  CHECK(next.collection("inventory.contact_persons").include.empty());
  CHECK(next.collection("crm.contacts").poll_interval == std::chrono::minutes(2));  // applied
  CHECK(non_reloadable_changes(running, next).empty());
}

TEST_CASE("the reloadable flags follow the rule: behaviour yes, wiring no") {
  auto flag = [](const std::string& key) {
    for (const auto& o : schema()) {
      if (o.key_path == key)
        return o.reloadable;
    }
    FAIL("no such option " << key);
    return false;
  };
  CHECK(flag("service.log_level"));
  CHECK(flag("collections.crm.contacts.poll_interval"));
  CHECK(flag("collections.crm.contacts.fields.email"));
  CHECK(flag("sync.conflict_policy"));
  CHECK(flag("sync.on_delete"));
  CHECK_FALSE(flag("service.state_dir"));
  CHECK_FALSE(flag("service.metrics_listen"));
  CHECK_FALSE(flag("zoho.base_url"));
  CHECK_FALSE(flag("crm.api_url"));
  CHECK_FALSE(flag("oauth.client_id"));
  CHECK_FALSE(flag("oauth.client_secret_file"));
}

}  // namespace zohosync::config::test
