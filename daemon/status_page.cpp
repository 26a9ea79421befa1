#include "daemon/status_page.hpp"

#include <fmt/format.h>
#include <boost/json/value.hpp>

namespace zohosync::daemon {
namespace {

namespace json = boost::json;

std::string escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// A cell's text: strings as they are, numbers in full, null as "–".
std::string text(const json::value& v) {
  if (v.is_string())
    return std::string(v.as_string());
  if (v.is_int64())
    return std::to_string(v.as_int64());
  if (v.is_uint64())
    return std::to_string(v.as_uint64());
  if (v.is_double())
    return fmt::format("{:.0f}", v.as_double());
  if (v.is_bool())
    return v.as_bool() ? "yes" : "no";
  return "-";
}

const json::value& member(const json::object& o, std::string_view key) {
  static const json::value kNull;
  const auto* v = o.if_contains(key);
  return v ? *v : kNull;
}

std::string cell(std::string_view field, const std::string& value) {
  return fmt::format("<td data-field=\"{}\">{}</td>", field, escape(value));
}

constexpr const char* kStyle = R"(
body{font-family:system-ui,sans-serif;margin:1.5em;color:#222;background:#fff}
h1{font-size:1.3em;margin:0 0 .3em}
.verdict{display:inline-block;padding:.2em .6em;border-radius:.3em;font-weight:600}
.healthy{background:#d8f3dc;color:#1b4332}.unhealthy{background:#ffd6d6;color:#7a0000}
table{border-collapse:collapse;margin:1em 0;font-size:.92em}
th,td{border:1px solid #ccc;padding:.3em .6em;text-align:left;vertical-align:top}
th{background:#f2f2f2}td.num,td[data-field=linked],td[data-field=quarantined],
td[data-field=open_conflicts],td[data-field=pending]{text-align:right}
tr.failing td[data-field=state],tr.stale td[data-field=state]{color:#7a0000;font-weight:600}
tr.ok td[data-field=state]{color:#1b4332}
.muted{color:#666;font-size:.9em}
)";

}  // namespace

std::string render_status_page(const json::object& status, int refresh_s) {
  const bool healthy = member(status, "healthy").is_bool() && member(status, "healthy").as_bool();
  std::string page = fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta http-equiv=\"refresh\" content=\"{}\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
      "<title>zohosync: {}</title><style>{}</style></head><body>\n",
      refresh_s, healthy ? "healthy" : "needs attention", kStyle);
  page += fmt::format(
      "<h1>zohosync <span id=\"verdict\" class=\"verdict {}\">{}</span></h1>\n"
      "<p class=\"muted\">State dir <code id=\"state-dir\">{}</code>; as of "
      "<time id=\"generated-at\">{}</time> (UTC); this page reloads every {} s. The same as JSON: "
      "<a href=\"/status\">/status</a>.</p>\n",
      healthy ? "healthy" : "unhealthy", healthy ? "healthy" : "needs attention",
      escape(text(member(status, "state_dir"))), escape(text(member(status, "generated_at"))),
      refresh_s);

  const auto& problems = member(status, "problems");
  if (problems.is_array() && !problems.as_array().empty()) {
    page += "<h2>Problems</h2>\n<ul id=\"problems\">\n";
    for (const auto& p : problems.as_array())
      page += "<li>" + escape(text(p)) + "</li>\n";
    page += "</ul>\n";
  }

  page +=
      "<table id=\"collections\"><thead><tr><th>Collection</th><th>State</th><th>Last "
      "success</th><th>Last failure</th><th>Last error</th><th>Linked</th><th>Quarantined</th>"
      "<th>Open conflicts</th><th>Pending (creates/updates/deletes)</th><th>Next poll</th></tr>"
      "</thead><tbody>\n";
  const auto& collections = member(status, "collections");
  if (collections.is_object()) {
    for (const auto& [name, value] : collections.as_object()) {
      if (!value.is_object())
        continue;
      const auto& c = value.as_object();
      std::string pending = "-";
      if (const auto& p = member(c, "pending"); p.is_object())
        pending = text(member(p.as_object(), "creates")) + "/" +
                  text(member(p.as_object(), "updates")) + "/" +
                  text(member(p.as_object(), "deletes"));
      const std::string state = text(member(c, "state"));
      std::string row_class = state;
      for (char& ch : row_class)
        if (ch == ' ')
          ch = '-';
      page += fmt::format("<tr class=\"{}\" data-collection=\"{}\">", escape(row_class),
                          escape(std::string(name)));
      page += cell("collection", std::string(name));
      page += cell("state", state);
      page += cell("last_success", text(member(c, "last_success")));
      page += cell("last_failure", text(member(c, "last_failure")));
      page += cell("last_error", text(member(c, "last_error")));
      page += cell("linked", text(member(c, "linked")));
      page += cell("quarantined", text(member(c, "quarantined")));
      page += cell("open_conflicts", text(member(c, "open_conflicts")));
      page += cell("pending", pending);
      page += cell("next_poll", text(member(c, "next_poll")));
      page += "</tr>\n";
    }
  }
  page += "</tbody></table>\n";

  const auto& budgets = member(status, "budgets");
  if (budgets.is_object() && !budgets.as_object().empty()) {
    page +=
        "<h2>Request budgets</h2>\n<table id=\"budgets\"><thead><tr><th>Product</th><th>Requests"
        "</th><th>Per (s)</th><th>Can go out now</th><th>Locked out until</th></tr></thead>"
        "<tbody>\n";
    for (const auto& [product, value] : budgets.as_object()) {
      if (!value.is_object())
        continue;
      const auto& b = value.as_object();
      page += fmt::format("<tr data-product=\"{}\">", escape(std::string(product)));
      page += cell("product", std::string(product));
      page += cell("requests", text(member(b, "requests")));
      page += cell("window_s", text(member(b, "window_s")));
      page += cell("available_now", text(member(b, "available_now")));
      page += cell("blocked_until", text(member(b, "blocked_until")));
      page += "</tr>\n";
    }
    page += "</tbody></table>\n";
  }
  page += "</body></html>\n";
  return page;
}

}  // namespace zohosync::daemon
