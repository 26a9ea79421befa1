// `zohosync auth`: from a Self Client grant code to the refresh token the
// service runs on. Prints the scopes the enabled collections need and the
// accounts server; exchanges the code once; writes the refresh token (and a
// client secret typed in) to 0600 files; never prints a secret.
#include <unistd.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <cstdio>
#include <exception>
#include <filesystem>
#include <optional>
#include <string>

#include "common/private_file.hpp"
#include "connectors/errors.hpp"
#include "connectors/http/http_client.hpp"
#include "connectors/oauth/code_exchange.hpp"
#include "connectors/oauth/scopes.hpp"
#include "daemon/commands.hpp"
#include "daemon/config_loading.hpp"
#include "daemon/connector_set.hpp"
#include "daemon/exit_codes.hpp"
#include "daemon/oauth_scopes.hpp"
#include "daemon/terminal_input.hpp"

namespace zohosync::daemon {
namespace {

namespace fs = std::filesystem;
namespace oauth = connectors::oauth;

// Where the API console is for an accounts server: accounts.zoho.eu ->
// api-console.zoho.eu. Empty for a server that is not Zoho's (a sandbox).
std::string api_console_of(const std::string& accounts_url) {
  const std::string kScheme = "https://accounts.";
  if (accounts_url.rfind(kScheme, 0) != 0)
    return {};
  return "https://api-console." + accounts_url.substr(kScheme.size());
}

struct Targets {
  fs::path client_secret;
  fs::path refresh_token;
};

// Where the secrets go: --credentials-dir, else the files the config names,
// else beside the config file (where the packaged units' LoadCredential=
// lines look: /etc/zohosync/client_secret, /etc/zohosync/refresh_token).
Targets targets_for(const config::Config& config, const GlobalOptions& global,
                    const AuthOptions& options) {
  if (options.credentials_dir)
    return {fs::path(*options.credentials_dir) / "client_secret",
            fs::path(*options.credentials_dir) / "refresh_token"};
  const fs::path beside = fs::absolute(global.config_path).parent_path();
  return {config.oauth.client_secret_file.empty() ? beside / "client_secret"
                                                  : fs::path(config.oauth.client_secret_file),
          config.oauth.refresh_token_file.empty() ? beside / "refresh_token"
                                                  : fs::path(config.oauth.refresh_token_file)};
}

// A code works once: everything that could stop the files being written is
// checked before it is spent.
bool can_write_into(const fs::path& file, std::string& why) {
  const fs::path dir = file.has_parent_path() ? file.parent_path() : fs::path(".");
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    why = dir.string() + " is not a directory";
    return false;
  }
  if (::access(dir.c_str(), W_OK) != 0) {
    why = "cannot write into " + dir.string() + " (run as its owner, or pass --credentials-dir)";
    return false;
  }
  return true;
}

void print_scopes(const config::Config& config, const std::vector<NeededScope>& needed) {
  std::printf("Accounts server: %s\n", config.oauth.accounts_url.c_str());
  std::printf("Scopes the enabled collections need:\n");
  for (const auto& n : needed)
    std::printf("  %-32s %s\n", n.scope.c_str(), n.why.c_str());
  std::printf("Scope list for the Self Client: %s\n", scope_list(needed).c_str());
}

int exit_code_for(const connectors::ConnectorError& error) {
  if (error.unreachable())
    return exit_code::kUnavailable;
  if (error.product_code() == "invalid_code" || error.product_code() == "invalid_grant")
    return exit_code::kDataError;  // the code given, not the config
  if (error.error_class() == connectors::ErrorClass::configuration)
    return exit_code::kConfig;
  return exit_code::kTempFail;  // throttled, or the accounts server failed: later
}

std::optional<oauth::GrantedRefreshToken> exchange(const config::Config& config,
                                                   const oauth::CodeExchange& request, int& code) {
  boost::asio::io_context io;
  connectors::http::HttpClient http(io.get_executor(), http_client_options(config.http));
  std::optional<oauth::GrantedRefreshToken> granted;
  std::exception_ptr error;
  boost::asio::co_spawn(
      io,
      [&]() -> boost::asio::awaitable<void> {
        granted = co_await oauth::exchange_grant_code(http, request);
      },
      [&](std::exception_ptr e) { error = e; });
  io.run();
  if (!error)
    return granted;
  try {
    std::rethrow_exception(error);
  } catch (const connectors::ConnectorError& e) {
    std::fprintf(stderr, "zohosync auth: %s\n", e.what());
    code = exit_code_for(e);
  }
  return std::nullopt;
}

}  // namespace

int run_auth(const GlobalOptions& global, const AuthOptions& options) {
  auto loaded = load_config(global, config::SecretCheck::optional);
  if (!loaded.config)
    return loaded.exit_code;
  const config::Config& config = *loaded.config;
  const auto needed = needed_scopes(config);
  if (needed.empty()) {
    std::fprintf(stderr,
                 "zohosync auth: no collection is enabled in %s: enable the products "
                 "to sync first, so that the grant covers what they need\n",
                 global.config_path.c_str());
    return exit_code::kConfig;
  }
  print_scopes(config, needed);
  if (options.scopes_only)
    return exit_code::kOk;

  const Targets targets = targets_for(config, global, options);
  if (options.credentials_dir) {
    std::error_code ec;
    fs::create_directories(*options.credentials_dir, ec);
    fs::permissions(*options.credentials_dir, fs::perms::owner_all, ec);
  }
  for (const fs::path* file : {&targets.client_secret, &targets.refresh_token}) {
    std::string why;
    if (!can_write_into(*file, why)) {
      std::fprintf(stderr, "zohosync auth: cannot write %s: %s\n", file->c_str(), why.c_str());
      return exit_code::kCantCreate;
    }
  }

  oauth::CodeExchange request;
  request.accounts_url = config.oauth.accounts_url;
  request.client_id = config.oauth.client_id;
  request.client_secret = config.oauth.client_secret.reveal();
  const bool secret_typed = request.client_secret.empty();
  if (secret_typed) {
    auto typed = read_secret_line("Client secret (API console, Self Client; input hidden): ");
    if (!typed || typed->empty()) {
      std::fprintf(stderr,
                   "zohosync auth: no client secret: none is configured (%s) and none "
                   "was entered\n",
                   targets.client_secret.c_str());
      return exit_code::kUsage;
    }
    request.client_secret = std::move(*typed);
  }
  if (options.code) {
    request.code = *options.code;
  } else {
    if (::isatty(STDIN_FILENO) != 0) {
      const std::string console = api_console_of(config.oauth.accounts_url);
      std::fprintf(stderr,
                   "Make a grant code: %s%sSelf Client, Generate Code, paste the scope list above, "
                   "pick a duration, copy the code.\n",
                   console.empty() ? "" : console.c_str(), console.empty() ? "" : ", ");
    }
    auto typed = read_secret_line("Grant code (input hidden): ");
    request.code = typed.value_or("");
  }
  if (request.code.empty()) {
    std::fprintf(stderr, "zohosync auth: no grant code given (--code, or one line on stdin)\n");
    return exit_code::kUsage;
  }

  int failed = exit_code::kOk;
  const auto granted = exchange(config, request, failed);
  if (!granted)
    return failed;

  // A grant short of a scope would replace a working refresh token with one
  // that fails a collection: keep the old one and say what is missing.
  if (granted->scope_reported) {
    bool missing = false;
    for (const auto& n : needed) {
      if (oauth::scopes_cover(granted->scopes, n.scope))
        continue;
      std::fprintf(stderr, "zohosync auth: the grant lacks %s (needed by %s)\n", n.scope.c_str(),
                   n.why.c_str());
      missing = true;
    }
    if (missing) {
      std::fprintf(stderr,
                   "zohosync auth: nothing was written; make a new code with the whole "
                   "scope list:\n  %s\n",
                   scope_list(needed).c_str());
      return exit_code::kConfig;
    }
  }

  try {
    if (secret_typed || options.credentials_dir) {
      write_private_file(targets.client_secret, request.client_secret + "\n", "client secret",
                         false);
      std::printf("Wrote the client secret to %s (mode 0600)\n", targets.client_secret.c_str());
    }
    write_private_file(targets.refresh_token, granted->refresh_token + "\n", "refresh token",
                       false);
    std::printf("Wrote the refresh token to %s (mode 0600)\n", targets.refresh_token.c_str());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "zohosync auth: %s\n", e.what());
    return exit_code::kIoError;
  }

  // Where the service will look, said plainly.
  if (config.oauth.refresh_token_source == "inline")
    std::printf("Note: oauth.refresh_token in %s wins over the file; remove it.\n",
                global.config_path.c_str());
  std::printf(
      "For a systemd unit (systemctl edit zohosync), if it does not read these already:\n"
      "  LoadCredential=client_secret:%s\n  LoadCredential=refresh_token:%s\n",
      targets.client_secret.c_str(), targets.refresh_token.c_str());
  if (!granted->api_domain.empty())
    std::printf("API domain of this grant: %s\n", granted->api_domain.c_str());
  std::printf("Next: zohosync check-config --online --config %s\n", global.config_path.c_str());
  return exit_code::kOk;
}

}  // namespace zohosync::daemon
