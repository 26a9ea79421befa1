#include "man/config_man_page.hpp"

#include <stdexcept>

namespace zohosync::man {
namespace {

// "collections.crm.contacts.poll_interval" -> "collections.crm.contacts".
std::string table_of(const std::string& key_path) {
  const auto dot = key_path.rfind('.');
  return dot == std::string::npos ? std::string() : key_path.substr(0, dot);
}

void replace_all(std::string& text, std::string_view from, std::string_view to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
}

}  // namespace

std::string roff_escape(std::string_view text) {
  std::string out;
  bool in_code = false;
  for (char c : text) {
    switch (c) {
      case '\\':
        out += "\\e";
        break;
      case '-':
        // A plain "-" may print as a hyphen; options and values must stay
        // copy-pasteable as ASCII minus.
        out += "\\-";
        break;
      case '`':
        out += in_code ? "\\fR" : "\\fB";
        in_code = !in_code;
        break;
      default:
        out += c;
    }
  }
  if (in_code)
    out += "\\fR";
  // A line starting with "." or "'" would be read as a roff request.
  if (!out.empty() && (out.front() == '.' || out.front() == '\''))
    out.insert(0, "\\&");
  return out;
}

std::string render_options(const std::vector<config::OptionInfo>& options) {
  std::string out;
  std::string current_table = "\x01";  // matches no real table
  for (const auto& option : options) {
    const std::string table = table_of(option.key_path);
    if (table != current_table) {
      out += ".SS \"[" + roff_escape(table) + "]\"\n";
      current_table = table;
    }
    out += ".TP\n.B " + roff_escape(option.key_path) + "\n";
    out += roff_escape(option.description) + "\n";
    out += ".br\n";
    std::string facts = "Type: " + option.type + "; default: ";
    facts += option.default_value.empty() ? "none" : option.default_value;
    facts += option.reloadable ? "; reloadable (SIGHUP)." : "; restart to change.";
    out += roff_escape(facts) + "\n";
  }
  return out;
}

std::string render_page(std::string_view page_template, std::string_view version,
                        const std::vector<config::OptionInfo>& options) {
  std::string page(page_template);
  const std::string marker = "@ZOHOSYNC_OPTIONS@\n";
  const auto at = page.find(marker);
  if (at == std::string::npos || (at != 0 && page[at - 1] != '\n'))
    throw std::runtime_error("template has no line \"@ZOHOSYNC_OPTIONS@\"");
  page.replace(at, marker.size(), render_options(options));
  replace_all(page, "@ZOHOSYNC_VERSION@", version);
  return page;
}

}  // namespace zohosync::man
