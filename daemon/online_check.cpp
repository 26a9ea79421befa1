#include "daemon/online_check.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "connectors/connector.hpp"
#include "connectors/errors.hpp"
#include "connectors/oauth/scopes.hpp"
#include "connectors/oauth/token_source.hpp"
#include "daemon/connector_set.hpp"
#include "daemon/exit_codes.hpp"
#include "daemon/logging.hpp"
#include "daemon/oauth_scopes.hpp"

namespace zohosync::daemon {
namespace {

namespace asio = boost::asio;

struct Findings {
  std::vector<std::string> problems;
  bool configuration = false;  // something the operator must change
  bool unreachable = false;    // something we could not ask
  std::size_t collections_read = 0;
  bool scopes_checked = false;

  void add(const std::string& where, const connectors::ConnectorError& error) {
    problems.push_back(where + ": " + error.what());
    // A refusal (credentials, scope, ids) is the operator's to fix; a product
    // that is down or answering errors is not, and says nothing of the config.
    if (error.unreachable() || error.error_class() == connectors::ErrorClass::transient)
      unreachable = true;
    else
      configuration = true;
  }
};

asio::awaitable<void> check(const config::Config& config, ConnectorSet& connectors,
                            Findings& findings) {
  connectors::oauth::AccessToken token;
  try {
    token = co_await connectors.tokens().token();
  } catch (const connectors::ConnectorError& error) {
    findings.add("oauth", error);
    co_return;  // without a token every read would fail the same way
  }
  if (!token.scope.empty()) {
    findings.scopes_checked = true;
    const auto granted = connectors::oauth::split_scopes(token.scope);
    for (const auto& needed : needed_scopes(config)) {
      if (connectors::oauth::scopes_cover(granted, needed.scope))
        continue;
      findings.problems.push_back("oauth: the refresh token lacks " + needed.scope +
                                  " (needed by " + needed.why +
                                  "); make a new grant code with `zohosync auth --scopes`'s "
                                  "list and run zohosync auth");
      findings.configuration = true;
    }
  }
  for (connectors::Connector* connector : connectors.connectors()) {
    const std::string collection(connector->collection());
    try {
      co_await connector->probe();
      ++findings.collections_read;
    } catch (const connectors::ConnectorError& error) {
      findings.add(collection, error);
    }
  }
}

}  // namespace

int run_online_check(const GlobalOptions& global, const config::Config& config) {
  auto logger = logging::get("check");
  // Each problem is one line below, so the connectors' own log lines (the
  // same refusal again, a retry) stay out unless --log-level asks for them.
  if (!global.log_level)
    logger->set_level(spdlog::level::off);
  Findings findings;
  try {
    asio::io_context io;
    ConnectorSet connectors(io.get_executor(), config, config.service.state_dir, logger,
                            TokenCache::unused);
    std::exception_ptr error;
    asio::co_spawn(io, check(config, connectors, findings),
                   [&](std::exception_ptr e) { error = e; });
    io.run();
    if (error)
      std::rethrow_exception(error);
  } catch (const connectors::ConnectorError& error) {
    findings.add("setup", error);  // e.g. a CA file that does not load
  }
  for (const auto& problem : findings.problems)
    std::fprintf(stderr, "%s: online: %s\n", global.config_path.c_str(), problem.c_str());
  if (findings.configuration)
    return exit_code::kConfig;
  if (findings.unreachable)
    return exit_code::kUnavailable;
  std::printf("%s: online: access token refreshed%s; %zu collection%s read\n",
              global.config_path.c_str(),
              findings.scopes_checked ? ", every needed scope granted" : "",
              findings.collections_read, findings.collections_read == 1 ? "" : "s");
  return exit_code::kOk;
}

}  // namespace zohosync::daemon
