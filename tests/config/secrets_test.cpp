// Secrets: where they are looked for, what is refused, and that no diagnostic
// ever carries a secret value.
#include <doctest/doctest.h>

#include <sstream>
#include <type_traits>

#include "tests/config/helpers.hpp"

namespace zohosync::config::test {
namespace {

namespace fs = std::filesystem;
constexpr auto k0600 = fs::perms::owner_read | fs::perms::owner_write;
constexpr auto k0644 = k0600 | fs::perms::group_read | fs::perms::others_read;
constexpr auto k0640 = k0600 | fs::perms::group_read;

const std::string kSecretValue = "s3cr3t-VALUE-9f8e7d";
const std::string kTokenValue = "1000.r3fr3sh-TOKEN-abcdef";

std::string crm_config(const std::string& oauth_lines) {
  return "[oauth]\nclient_id = \"1000.ID\"\n" + oauth_lines + "\n[crm]\nenabled = true\n";
}

// Whether `T << value` is well-formed.
template <class T, class = void>
struct streamable : std::false_type {};
template <class T>
struct streamable<T, std::void_t<decltype(std::declval<std::ostream&>() << std::declval<T>())>>
    : std::true_type {};

}  // namespace

TEST_CASE("Secret cannot be streamed, its value is reachable only through reveal()") {
  static_assert(!streamable<Secret>::value);
  static_assert(!streamable<const Secret&>::value);
  Secret s("abc");
  CHECK(s.reveal() == "abc");
  Secret copy = s;
  CHECK(copy == s);
  Secret moved = std::move(copy);
  CHECK(moved.reveal() == "abc");
  CHECK(Secret().empty());
}

TEST_CASE("a secret file readable by group or others is refused, 0600 is read") {
  CleanSecretEnv clean;
  TempDir dir;
  auto secret_file = dir.write("client_secret", kSecretValue + "\n", k0644);
  auto token_file = dir.write("refresh_token", kTokenValue + "\n", k0600);
  const std::string text = crm_config("client_secret_file = \"" + secret_file +
                                      "\"\nrefresh_token_file = \"" + token_file + "\"");

  auto refused = load(text);
  CAPTURE(all_text(refused));
  CHECK_FALSE(refused.ok());
  auto errs = errors(refused);
  REQUIRE(errs.size() == 1);
  CHECK(errs[0].to_string().starts_with("test.toml:3:22: error: oauth.client_secret_file:"));
  CHECK(errs[0].message.find("mode 0644") != std::string::npos);
  CHECK(errs[0].message.find("chmod 600") != std::string::npos);

  fs::permissions(secret_file, k0640);  // group-readable is refused too
  CHECK_FALSE(load(text).ok());

  fs::permissions(secret_file, k0600);
  auto accepted = load(text);
  CAPTURE(all_text(accepted));
  REQUIRE(accepted.ok());
  CHECK(accepted.diagnostics.empty());
  const auto& oauth = accepted.config->oauth;
  CHECK(oauth.client_secret.reveal() == kSecretValue);  // trailing newline trimmed
  CHECK(oauth.refresh_token.reveal() == kTokenValue);
  CHECK(oauth.client_secret_source == "file " + secret_file);
}

TEST_CASE("an empty secret file is an error") {
  CleanSecretEnv clean;
  TempDir dir;
  auto secret_file = dir.write("client_secret", "\n", k0600);
  auto result = load(crm_config("client_secret_file = \"" + secret_file + "\""));
  auto errs = errors(result);
  REQUIRE(errs.size() == 1);
  CHECK(errs[0].key_path == "oauth.client_secret_file");
  CHECK(errs[0].message.find("is empty") != std::string::npos);
}

TEST_CASE("secrets fall back to $CREDENTIALS_DIRECTORY, then the environment") {
  CleanSecretEnv clean;
  TempDir dir;
  dir.write("client_secret", kSecretValue, k0600);
  const std::string missing_file = (dir.path / "absent").string();
  const std::string text = crm_config("client_secret_file = \"" + missing_file +
                                      "\"\nrefresh_token_file = \"" + missing_file + "\"");

  SUBCASE("credentials directory first") {
    EnvGuard credentials("CREDENTIALS_DIRECTORY", dir.path.string());
    EnvGuard env("ZOHOSYNC_CLIENT_SECRET", std::string("from-env"));
    EnvGuard token("ZOHOSYNC_REFRESH_TOKEN", kTokenValue);
    auto result = load(text, {std::nullopt, std::nullopt, SecretCheck::require});
    CAPTURE(all_text(result));
    REQUIRE(result.ok());
    const auto& oauth = result.config->oauth;
    CHECK(oauth.client_secret.reveal() == kSecretValue);
    CHECK(oauth.client_secret_source == "credential " + (dir.path / "client_secret").string());
    // No refresh_token credential: the environment provides it.
    CHECK(oauth.refresh_token.reveal() == kTokenValue);
    CHECK(oauth.refresh_token_source == "environment ZOHOSYNC_REFRESH_TOKEN");
  }
  SUBCASE("environment last") {
    EnvGuard env("ZOHOSYNC_CLIENT_SECRET", kSecretValue);
    EnvGuard token("ZOHOSYNC_REFRESH_TOKEN", kTokenValue);
    auto result = load(text, {std::nullopt, std::nullopt, SecretCheck::require});
    REQUIRE(result.ok());
    CHECK(result.config->oauth.client_secret.reveal() == kSecretValue);
    CHECK(result.config->oauth.client_secret_source == "environment ZOHOSYNC_CLIENT_SECRET");
  }
  SUBCASE("a configured file wins over the other sources") {
    auto file = dir.write("file_secret", "from-file", k0600);
    EnvGuard credentials("CREDENTIALS_DIRECTORY", dir.path.string());
    EnvGuard env("ZOHOSYNC_CLIENT_SECRET", kSecretValue);
    auto result = load(crm_config("client_secret_file = \"" + file + "\""));
    REQUIRE(result.config);
    CHECK(result.config->oauth.client_secret.reveal() == "from-file");
  }
}

TEST_CASE("a missing secret warns for check-config and fails for daemon/reconcile") {
  CleanSecretEnv clean;
  const std::string text = crm_config(
      "client_secret_file = \"/nonexistent/client_secret\"\n"
      "refresh_token_file = \"/nonexistent/refresh_token\"");
  auto lenient = load(text);
  CHECK(lenient.ok());
  auto warns = warnings(lenient);
  REQUIRE(warns.size() == 2);
  CHECK(warns[0].to_string().starts_with("test.toml:3:22: warning: oauth.client_secret_file:"));
  CHECK(warns[0].message.find("/nonexistent/client_secret") != std::string::npos);
  CHECK(warns[0].message.find("ZOHOSYNC_CLIENT_SECRET") != std::string::npos);

  auto strict = load(text, {std::nullopt, std::nullopt, SecretCheck::require});
  CHECK_FALSE(strict.ok());
  CHECK(errors(strict).size() == 2);
}

// The run would be refused at start (exit 78): check-config must not say OK.
TEST_CASE("a secret file that is there but cannot be read is an error for check-config too") {
  CleanSecretEnv clean;
  TempDir dir;
  // Root reads any mode, so the file is unreadable by size (over 64 KiB);
  // another user also meets a mode it may not open.
  const std::string file = dir.write("client_secret", std::string(70 * 1024, 'x'), k0600);
  const std::string token = dir.write("refresh_token", kTokenValue, k0600);
  const std::string text =
      crm_config("client_secret_file = \"" + file + "\"\nrefresh_token_file = \"" + token + "\"");
  auto lenient = load(text);
  CHECK_FALSE(lenient.ok());
  auto errs = errors(lenient);
  REQUIRE(errs.size() == 1);
  CHECK(errs[0].to_string().starts_with("test.toml:3:22: error: oauth.client_secret_file:"));
  CHECK(errs[0].message.find(file + " (larger than 64 KiB)") != std::string::npos);
  // With the secret in a credential as well, the file is skipped as before.
  std::filesystem::create_directories(dir.path / "credentials");
  dir.write("credentials/client_secret", kSecretValue, k0600);
  EnvGuard credentials("CREDENTIALS_DIRECTORY", (dir.path / "credentials").string());
  CHECK(load(text).ok());
}

TEST_CASE("inline secrets are refused unless allowed, and never echoed") {
  CleanSecretEnv clean;
  const std::string inline_lines =
      "client_secret = \"" + kSecretValue + "\"\nrefresh_token = \"" + kTokenValue + "\"";
  auto refused = load(crm_config(inline_lines));
  CAPTURE(all_text(refused));
  CHECK_FALSE(refused.ok());
  auto errs = errors(refused);
  REQUIRE(errs.size() == 2);
  CHECK(errs[0].to_string().starts_with("test.toml:3:17: error: oauth.client_secret:"));
  CHECK(errs[0].message.find("allow_inline_secrets") != std::string::npos);
  CHECK(errs[1].to_string().starts_with("test.toml:4:17: error: oauth.refresh_token:"));
  CHECK(refused.config->oauth.client_secret.empty());  // a refused secret is not kept

  auto allowed = load(crm_config("allow_inline_secrets = true\n" + inline_lines) +
                      "[zoho]\nbase_url = \"http://127.0.0.1:8080\"\n");
  CAPTURE(all_text(allowed));
  REQUIRE(allowed.ok());
  CHECK(allowed.diagnostics.empty());
  CHECK(allowed.config->oauth.client_secret.reveal() == kSecretValue);
  CHECK(allowed.config->oauth.client_secret_source == "inline");

  // Allowed but aimed at a real accounts server: accepted with a warning.
  auto risky = load(crm_config("allow_inline_secrets = true\n" + inline_lines));
  CHECK(risky.ok());
  CHECK(warnings(risky).size() == 2);
}

TEST_CASE("no diagnostic ever contains a secret value") {
  CleanSecretEnv clean;
  TempDir dir;
  auto exposed = dir.write("client_secret", kSecretValue, k0644);
  const std::string texts[] = {
      // Inline and refused.
      crm_config("client_secret = \"" + kSecretValue + "\"\nrefresh_token = \"" + kTokenValue +
                 "\""),
      // Inline, allowed, non-loopback (warning).
      crm_config("allow_inline_secrets = true\nclient_secret = \"" + kSecretValue + "\""),
      // A secret of the wrong type, and one on a line with a syntax error.
      crm_config("client_secret = [\"" + kSecretValue + "\"]"),
      crm_config("refresh_token = \"" + kTokenValue + "\" junk"),
      crm_config("refresh_token = " + kTokenValue),
      crm_config("client_secret = 'x" + kSecretValue),
      crm_config("client_secret = \"\"\"" + kSecretValue + "\n\n"),
      crm_config("client_secret = 'x" + kSecretValue),
      crm_config("client_secret = \"\"\"" + kSecretValue + "\n\n"),
      // A world-readable secret file.
      crm_config("client_secret_file = \"" + exposed + "\""),
  };
  for (const auto& text : texts) {
    for (auto check : {SecretCheck::warn_if_missing, SecretCheck::require}) {
      auto result = load(text, {std::nullopt, std::nullopt, check});
      std::string all = all_text(result);
      CAPTURE(all);
      CHECK_FALSE(result.diagnostics.empty());
      CHECK(all.find(kSecretValue) == std::string::npos);
      CHECK(all.find(kTokenValue) == std::string::npos);
      CHECK(all.find("s3cr3t") == std::string::npos);
      CHECK(all.find("r3fr3sh") == std::string::npos);
    }
  }
}

}  // namespace zohosync::config::test
