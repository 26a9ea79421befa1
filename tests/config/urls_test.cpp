// Base URLs: data-centre defaults, the single-origin base_url, per-product
// overrides, command-line overrides, and the loopback-only rule for http://.
#include <doctest/doctest.h>

#include "tests/config/helpers.hpp"

namespace zohosync::config::test {

TEST_CASE("data centres pick the documented hosts") {
  CleanSecretEnv clean;
  struct Case {
    const char* dc;
    const char* crm;
    const char* inventory;
    const char* projects;
    const char* contracts;
    const char* accounts;
  };
  const Case cases[] = {
      {"com", "https://www.zohoapis.com", "https://www.zohoapis.com/inventory/v1",
       "https://projectsapi.zoho.com", "https://contracts.zoho.com", "https://accounts.zoho.com"},
      {"eu", "https://www.zohoapis.eu", "https://www.zohoapis.eu/inventory/v1",
       "https://projectsapi.zoho.eu", "https://contracts.zoho.eu", "https://accounts.zoho.eu"},
      {"in", "https://www.zohoapis.in", "https://www.zohoapis.in/inventory/v1",
       "https://projectsapi.zoho.in", "https://contracts.zoho.in", "https://accounts.zoho.in"},
      {"com.au", "https://www.zohoapis.com.au", "https://www.zohoapis.com.au/inventory/v1",
       "https://projectsapi.zoho.com.au", "https://contracts.zoho.com.au",
       "https://accounts.zoho.com.au"},
      {"jp", "https://www.zohoapis.jp", "https://www.zohoapis.jp/inventory/v1",
       "https://projectsapi.zoho.jp", "https://contracts.zoho.jp", "https://accounts.zoho.jp"},
      // Canada: accounts and contracts live on zohocloud.ca.
      {"ca", "https://www.zohoapis.ca", "https://www.zohoapis.ca/inventory/v1",
       "https://projectsapi.zohocloud.ca", "https://contracts.zohocloud.ca",
       "https://accounts.zohocloud.ca"},
      {"sa", "https://www.zohoapis.sa", "https://www.zohoapis.sa/inventory/v1",
       "https://projectsapi.zoho.sa", "https://contracts.zoho.sa", "https://accounts.zoho.sa"},
      // China: Zoho Contracts lists no data centre there.
      {"com.cn", "https://www.zohoapis.com.cn", "https://www.zohoapis.com.cn/inventory/v1",
       "https://projectsapi.zoho.com.cn", "", "https://accounts.zoho.com.cn"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.dc);
    auto result = load(std::string("[zoho]\ndata_centre = \"") + c.dc + "\"\n");
    REQUIRE(result.ok());
    const Config& config = *result.config;
    CHECK(config.crm.api_url == c.crm);
    CHECK(config.inventory.api_url == c.inventory);
    CHECK(config.projects.api_url == c.projects);
    CHECK(config.contracts.api_url == c.contracts);
    CHECK(config.oauth.accounts_url == c.accounts);
  }
  // Enabling Contracts in China without an override is an error at the switch.
  auto cn = load(
      "[zoho]\ndata_centre = \"com.cn\"\n[oauth]\nclient_id = \"x\"\n[contracts]\nenabled = "
      "true\n");
  auto errs = errors(cn);
  REQUIRE(errs.size() == 1);
  CHECK(errs[0].to_string().starts_with("test.toml:6:11: error: contracts.api_url:"));
}

TEST_CASE("precedence: per-product override > base_url > data centre") {
  CleanSecretEnv clean;
  auto result = load(R"([zoho]
data_centre = "eu"
base_url = "http://127.0.0.1:8080/"

[crm]
api_url = "https://crm-proxy.example.net/"

[oauth]
accounts_url = "http://localhost:9000"
)");
  CAPTURE(all_text(result));
  REQUIRE(result.ok());
  const Config& c = *result.config;
  CHECK(c.crm.api_url == "https://crm-proxy.example.net");  // override, trailing / trimmed
  CHECK(c.oauth.accounts_url == "http://localhost:9000");   // override
  CHECK(c.inventory.api_url == "http://127.0.0.1:8080/inventory/v1");  // base_url
  CHECK(c.projects.api_url == "http://127.0.0.1:8080");
  CHECK(c.contracts.api_url == "http://127.0.0.1:8080");
  CHECK(c.api_url(Product::projects) == c.projects.api_url);
  // Only data-centre defaults may be replaced by a token answer's api_domain.
  CHECK_FALSE(c.crm.api_url_is_default);
  CHECK_FALSE(c.inventory.api_url_is_default);

  auto plain = load("[zoho]\ndata_centre = \"in\"\n");
  REQUIRE(plain.ok());
  CHECK(plain.config->crm.api_url_is_default);
  CHECK(plain.config->contracts.api_url_is_default);
}

TEST_CASE("--base-url and --state-dir override the file through LoadOptions") {
  CleanSecretEnv clean;
  const std::string text = R"([service]
state_dir = "/var/lib/zohosync-test"
[zoho]
base_url = "https://sandbox.example.net"
)";
  LoadOptions options;
  options.base_url = "http://127.0.0.1:18080";
  options.state_dir = "/tmp/zohosync-state";
  auto result = load(text, options);
  REQUIRE(result.ok());
  const Config& c = *result.config;
  CHECK(c.zoho.base_url == "http://127.0.0.1:18080");
  CHECK(c.service.state_dir == "/tmp/zohosync-state");
  CHECK(c.crm.api_url == "http://127.0.0.1:18080");
  CHECK(c.oauth.accounts_url == "http://127.0.0.1:18080");
  CHECK(c.inventory.api_url == "http://127.0.0.1:18080/inventory/v1");

  // Validated like the file's key; reported against the flag.
  options.base_url = "http://sandbox.example.net:8080";
  auto refused = load(text, options);
  CHECK_FALSE(refused.ok());
  auto errs = errors(refused);
  REQUIRE(errs.size() == 1);
  CHECK(errs[0].to_string().starts_with("--base-url: error: zoho.base_url: plain http://"));

  options.base_url = "not a url";
  CHECK_FALSE(load(text, options).ok());

  // A relative --state-dir is made absolute (the daemon may change directory).
  options.base_url.reset();
  options.state_dir = "relative/state";
  auto relative = load(text, options);
  REQUIRE(relative.ok());
  CHECK(relative.config->service.state_dir.front() == '/');
  CHECK(relative.config->service.state_dir.ends_with("/relative/state"));
}

TEST_CASE("plain http is accepted only for loopback hosts") {
  CleanSecretEnv clean;
  struct Case {
    const char* url;
    bool ok;
  };
  const Case cases[] = {
      {"http://127.0.0.1:8080", true},
      {"http://127.10.20.30", true},  // all of 127.0.0.0/8
      {"http://localhost:1234/", true},
      {"http://LOCALHOST", true},
      {"http://[::1]:8080", true},
      {"https://www.zohoapis.com", true},
      {"https://[2001:db8::1]:8443/zoho", true},
      {"http://128.0.0.1", false},
      {"http://10.0.0.1:8080", false},
      {"http://[::2]:8080", false},
      {"http://localhost.example.com", false},
      {"http://127.0.0.1.example.com", false},
      {"ftp://127.0.0.1", false},
      {"127.0.0.1:8080", false},
      {"https://user:pw@host.example", false},
      {"https://host.example/?q=1", false},
      {"https://", false},
      {"https://host..example", false},
      {"https://host.example:0", false},
      {"https://[::1", false},
  };
  for (const auto& c : cases) {
    CAPTURE(c.url);
    auto result = load(std::string("[zoho]\nbase_url = \"") + c.url + "\"\n");
    CAPTURE(all_text(result));
    CHECK(result.ok() == c.ok);
  }
}

TEST_CASE("metrics_listen: loopback is quiet, other addresses warn, garbage is an error") {
  CleanSecretEnv clean;
  auto quiet = load("[service]\nmetrics_listen = \"127.0.0.1:9464\"\n");
  CHECK(quiet.ok());
  CHECK(quiet.config->service.metrics_listen == "127.0.0.1:9464");
  CHECK(load("[service]\nmetrics_listen = \"[::1]:9464\"\n").ok());
  auto exposed = load("[service]\nmetrics_listen = \"0.0.0.0:9464\"\n");
  CHECK(exposed.ok());
  bool warned = false;
  for (const auto& w : warnings(exposed))
    warned = warned || w.key_path == "service.metrics_listen";
  CHECK(warned);
  CHECK_FALSE(load("[service]\nmetrics_listen = \"9464\"\n").ok());
  CHECK_FALSE(load("[service]\nmetrics_listen = \"metrics.example:9464\"\n").ok());
}

}  // namespace zohosync::config::test
