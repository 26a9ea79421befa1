// zoho-sandbox: a loopback fake of the Zoho people APIs for tests and demos.
#include "tests/sandbox/knobs.hpp"
#include "tests/sandbox/sandbox.hpp"
#include "tests/sandbox/server.hpp"
#include "tests/sandbox/util.hpp"

#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <csignal>
#include <cstdio>
#include <iostream>

namespace sb = zohosync::sandbox;

int main(int argc, char** argv) {
  sb::options opts;
  CLI::App app{"zoho-sandbox: a loopback fake of Zoho Inventory, Projects, CRM and Contracts"};
  int port = 0;
  std::string scopes, quirk_spec;
  std::vector<std::string> fault_specs;
  bool no_limits = false;
  long clock_offset = 0;
  app.add_option("--port", port, "TCP port on 127.0.0.1 (0 picks a free one)")
      ->capture_default_str();
  app.add_option("--seed", opts.gen.seed, "Seed of the generated people")->capture_default_str();
  app.add_option("--people", opts.gen.people, "Number of generated people")->capture_default_str();
  app.add_option("--overlap", opts.gen.overlap, "Share of people present in all four products")
      ->capture_default_str();
  app.add_option("--email-variants", opts.gen.email_variants,
                 "Share stored with a case/whitespace variant of the email in one product")
      ->capture_default_str();
  app.add_option("--no-email", opts.gen.no_email, "Share without an email (where allowed)")
      ->capture_default_str();
  app.add_option("--duplicates", opts.gen.duplicates,
                 "Share with a second record in the same product")
      ->capture_default_str();
  app.add_option("--projects-only", opts.gen.projects_only,
                 "Extra people held by Projects alone, five to a client (a large portal)")
      ->capture_default_str();
  app.add_option("--client-id", opts.client_id, "OAuth client id accepted")->capture_default_str();
  app.add_option("--client-secret", opts.client_secret, "OAuth client secret accepted")
      ->capture_default_str();
  app.add_option("--refresh-token", opts.refresh_token, "Refresh token accepted")
      ->capture_default_str();
  app.add_option("--scopes", scopes,
                 "Comma-separated scopes granted to issued tokens (default: every product's)");
  app.add_option("--token-ttl", opts.token_ttl_s, "Access token lifetime, seconds")
      ->capture_default_str();
  app.add_option("--token-limit", opts.token_requests_per_window,
                 "Token requests allowed per window per refresh token (0: no limit)")
      ->capture_default_str();
  app.add_option("--token-window", opts.token_window_s, "Token request window, seconds")
      ->capture_default_str();
  app.add_option("--max-tokens", opts.max_active_tokens,
                 "Live access tokens per refresh token; the oldest is invalidated")
      ->capture_default_str();
  app.add_option("--organization-id", opts.organization_id, "Inventory organization_id")
      ->capture_default_str();
  app.add_option("--portal-id", opts.portal_id, "Projects portal id")->capture_default_str();
  app.add_flag("--person-bumps-contact", opts.person_bumps_contact,
               "Editing an Inventory contact person bumps the contact's last_modified_time "
               "(real behaviour UNCONFIRMED)");
  app.add_option("--quirks", quirk_spec,
                 "Normalisation quirks, e.g. crm:lowercase_email,all:trim_names,"
                 "inventory:format_phone");
  app.add_option("--crm-concurrency", opts.limits.crm_concurrency, "CRM concurrent calls (0: off)")
      ->capture_default_str();
  app.add_option("--crm-credits", opts.limits.crm_daily_credits,
                 "CRM credits per rolling 24 h (0: off)")
      ->capture_default_str();
  app.add_option("--inventory-per-minute", opts.limits.inventory_per_minute,
                 "Inventory calls per minute (0: off)")
      ->capture_default_str();
  app.add_option("--inventory-concurrency", opts.limits.inventory_concurrency,
                 "Inventory concurrent calls (0: off)")
      ->capture_default_str();
  app.add_option("--inventory-daily", opts.limits.inventory_daily,
                 "Inventory calls per rolling day (0: off)")
      ->capture_default_str();
  app.add_option("--projects-per-window", opts.limits.projects_per_window,
                 "Projects calls per window before the lock-out (0: off)")
      ->capture_default_str();
  app.add_option("--projects-window", opts.limits.projects_window_s, "Projects window, seconds")
      ->capture_default_str();
  app.add_option("--projects-lockout", opts.limits.projects_lockout_s, "Projects lock-out, seconds")
      ->capture_default_str();
  app.add_flag("--no-limits", no_limits, "Turn every rate limit off");
  app.add_option("--latency-ms", opts.latency_ms, "Latency added to every API call")
      ->capture_default_str();
  app.add_option("--fault", fault_specs,
                 "Fault rule kind=500|429|reset|hang|truncate|malformed|latency,path=P[*],"
                 "method=M,nth=N|rate=R,times=T,ms=MS (repeatable)");
  app.add_option("--clock-offset", clock_offset, "Start the sandbox clock this many seconds ahead");
  CLI11_PARSE(app, argc, argv);

  if (!scopes.empty()) {
    opts.scopes.clear();
    for (auto& s : zohosync::sandbox::split(scopes, ',')) {
      if (!s.empty())
        opts.scopes.push_back(s);
    }
  }
  if (!quirk_spec.empty()) {
    if (auto err = sb::apply_quirk_spec(quirk_spec, opts)) {
      std::cerr << "zoho-sandbox: --quirks: " << *err << "\n";
      return 2;
    }
  }
  if (no_limits)
    sb::disable_limits(opts.limits);

  try {
    sb::sandbox state(opts);
    state.clock.advance(clock_offset);
    for (const auto& f : fault_specs) {
      if (auto err = state.faults.add_spec(f)) {
        std::cerr << "zoho-sandbox: --fault: " << *err << "\n";
        return 2;
      }
    }
    boost::asio::io_context ioc(1);
    sb::server srv(ioc, state, static_cast<std::uint16_t>(port));
    state.base_url = "http://127.0.0.1:" + std::to_string(srv.port());
    boost::asio::signal_set signals(ioc, SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code&, int) {
      srv.stop();
      ioc.stop();
    });
    srv.start();
    std::printf("zoho-sandbox listening on %s\n", state.base_url.c_str());
    std::fflush(stdout);
    ioc.run();
  } catch (const std::exception& e) {
    std::cerr << "zoho-sandbox: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
