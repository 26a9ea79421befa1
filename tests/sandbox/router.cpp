#include "tests/sandbox/router.hpp"

#include "tests/sandbox/errors.hpp"
#include "tests/sandbox/util.hpp"

#include <boost/json/parse.hpp>

#include <optional>

namespace zohosync::sandbox {

namespace json = boost::json;

namespace {

std::optional<product> product_of(const std::string& path) {
  if (path.starts_with("/inventory/v1/"))
    return product::inventory;
  if (path.starts_with("/api/v3/portal/"))
    return product::projects;
  if (path.starts_with("/crm/v8/"))
    return product::crm;
  if (path.starts_with("/api/v1/"))
    return product::contracts;
  return std::nullopt;
}

// CRM charges one credit per call, writes one per 10 records.
int crm_credits(const request& req) {
  if (req.method != "POST" && req.method != "PUT")
    return 1;
  boost::system::error_code ec;
  auto v = json::parse(req.body, ec);
  if (ec || !v.is_object())
    return 1;
  auto it = v.as_object().find("data");
  if (it == v.as_object().end() || !it->value().is_array())
    return 1;
  auto n = static_cast<int>(it->value().as_array().size());
  return n <= 10 ? 1 : (n + 9) / 10;
}

// A syntactically broken JSON document that still starts like the real one.
std::string malformed(const std::string& body) {
  std::string out = body.substr(0, body.size() / 2);
  return out + "\",{]";
}

}  // namespace

reply route(sandbox& sb, const request& req) {
  reply out;
  if (req.path.starts_with("/__sandbox/")) {
    ++sb.data.version;
    out.res = handle_admin(sb, req);
    return out;
  }
  auto prod = product_of(req.path);
  bool accounts = req.path == "/oauth/v2/token";
  sb.count(accounts ? "accounts" : prod ? product_name(*prod) : "unknown", req.method, req.path);

  out.delay_ms = sb.opts.latency_ms;
  bool corrupt = false;
  if (auto f = sb.faults.on_call(req.method, req.path)) {
    switch (f->kind) {
      case fault_kind::status_500:
        out.res = prod ? internal_error(*prod, req.method) : empty_response(500);
        return out;
      case fault_kind::status_429:
        out.res = prod ? throttled_error(*prod, req.method) : empty_response(429);
        return out;
      case fault_kind::reset:
        out.action = transport_action::reset;
        return out;
      case fault_kind::hang:
        out.action = transport_action::hang;
        out.hang_ms = f->ms;
        return out;
      case fault_kind::truncate:
        out.action = transport_action::truncate;
        break;
      case fault_kind::malformed:
        corrupt = true;
        break;
      case fault_kind::latency:
        out.delay_ms += f->ms;
        break;
    }
  }

  if (accounts) {
    if (req.method != "POST") {
      out.res = json_response(200, json::object{{"error", "invalid_request"}});
    } else {
      out.res = sb.tokens.grant(req, sb.opts, sb.now(), sb.base_url);
    }
  } else if (!prod) {
    out.res = json_response(404, json::object{{"code", "INVALID_URL_PATTERN"},
                                              {"message", "Request URL is incorrect"},
                                              {"status", "error"}});
  } else {
    const access_token* token = nullptr;
    auto auth = sb.tokens.check(req, sb.now(), &token);
    if (auth != auth_status::ok) {
      out.res = auth_error(*prod, auth, req.method);
    } else {
      int credits = *prod == product::crm ? crm_credits(req) : 1;
      auto verdict = sb.limits.admit(*prod, sb.opts.limits, sb.now(), credits);
      if (verdict != limit_verdict::ok) {
        sb.count_limited(verdict);
        out.res = limit_error(verdict, req.method, sb.opts.limits.projects_lockout_s);
      } else {
        auto segs = split_path(req.path);
        call_context ctx{sb, req, segs, *token};
        switch (*prod) {
          case product::inventory:
            out.res = handle_inventory(ctx);
            break;
          case product::projects:
            out.res = handle_projects(ctx);
            break;
          case product::crm:
            out.res = handle_crm(ctx);
            break;
          case product::contracts:
            out.res = handle_contracts(ctx);
            break;
        }
        if (*prod == product::crm && sb.opts.limits.crm_daily_credits > 0) {
          // Reported once half of the day's credits are used (as observed on Zoho).
          long used = sb.limits.crm_credits_used(sb.now());
          long total = sb.opts.limits.crm_daily_credits;
          if (used * 2 >= total) {
            out.res.headers.emplace_back("X-API-CREDITS-REMAINING", std::to_string(total - used));
          }
        }
        sandbox* sbp = &sb;
        product p = *prod;
        out.on_done = [sbp, p] { sbp->limits.done(p); };
      }
    }
  }
  // Every answer is dated on the sandbox clock, as real servers date theirs:
  // clients anchor incremental cursors on the server's clock, not their own.
  out.res.headers.emplace_back("Date", http_date(sb.now()));
  if (corrupt) {
    if (out.res.body.empty())
      out.res.body = "{\"data\":[";
    out.res.body = malformed(out.res.body);
  }
  return out;
}

}  // namespace zohosync::sandbox
