#include "daemon/conflict_listing.hpp"
#include "daemon/utc_time.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>
#include <ctime>
#include <set>
#include <string_view>

#include "common/email_address.hpp"
#include "mapping/fields.hpp"

namespace zohosync::daemon {
namespace {

// Wide enough for every collection id and most emails and values; a longer
// one would push the columns after it off an 80-to-160-column terminal.
constexpr std::size_t kMaxColumn = 40;
constexpr std::string_view kEllipsis = "\u2026";

// Terminal columns of UTF-8 text, one per code point (continuation bytes
// take none).
std::size_t columns_of(std::string_view text) {
  return static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

// At most `max` columns: a longer text keeps its first max - 1 code points
// and ends in an ellipsis.
std::string fitted(std::string_view text, std::size_t max) {
  if (columns_of(text) <= max)
    return std::string(text);
  std::size_t kept = 0, end = 0;
  for (; end < text.size(); ++end) {
    if ((text[end] & 0xC0) != 0x80 && kept++ == max - 1)
      break;
  }
  return std::string(text.substr(0, end)) + std::string(kEllipsis);
}

std::string padded(const std::string& text, std::size_t width) {
  return text + std::string(width - std::min(width, columns_of(text)), ' ');
}

// Emails are shown without the blanks a product may have stored around them.
std::string shown_value(const mapping::ConflictRow& row, const std::string& value) {
  return row.field == mapping::Field::email ? std::string(common::displayed_email(value)) : value;
}

}  // namespace

std::string conflict_id(const mapping::ConflictRow& row) {
  return std::to_string(row.person) + ":" + std::string(mapping::field_name(row.field));
}

std::string format_conflicts_table(const std::vector<OpenConflict>& conflicts) {
  if (conflicts.empty())
    return "no open conflicts\n";
  using Row = std::vector<std::string>;
  std::vector<Row> rows{{"id", "person", "collection", "its value", "current value"}};
  for (const auto& c : conflicts) {
    rows.push_back({conflict_id(c.row), std::string(common::displayed_email(c.email)),
                    c.row.collection, shown_value(c.row, c.row.remote_value),
                    shown_value(c.row, c.row.canonical_value)});
  }
  // Every column but the last is cut at the maximum and padded to its widest cell.
  const std::size_t padded_columns = rows.front().size() - 1;
  std::vector<std::size_t> widths(padded_columns, 0);
  for (Row& row : rows) {
    for (std::size_t i = 0; i < padded_columns; ++i) {
      row[i] = fitted(row[i], kMaxColumn);
      widths[i] = std::max(widths[i], columns_of(row[i]));
    }
  }
  std::string out;
  for (const Row& row : rows) {
    for (std::size_t i = 0; i < padded_columns; ++i)
      out += padded(row[i], widths[i]) + "  ";
    out += row.back() + "\n";
  }
  out += fmt::format("{} open conflict{}; `zohosync conflicts show ID` for details\n",
                     conflicts.size(), conflicts.size() == 1 ? "" : "s");
  std::set<std::string> ids;
  for (const auto& c : conflicts) {
    if (!ids.insert(conflict_id(c.row)).second) {
      out +=
          "an id listed more than once is held in several collections: add --collection "
          "COLLECTION to show or resolve one\n";
      break;
    }
  }
  return out;
}

boost::json::value conflicts_to_json(const std::vector<OpenConflict>& conflicts) {
  boost::json::array list;
  for (const auto& c : conflicts) {
    list.push_back(boost::json::object{
        {"id", conflict_id(c.row)},
        {"person", c.row.person},
        {"email", c.email},
        {"field", mapping::field_name(c.row.field)},
        {"collection", c.row.collection},
        {"record_id", c.row.record_id},
        {"value", c.row.remote_value},
        {"value_modified_ms", c.row.remote_time},
        {"current_value", c.row.canonical_value},
        {"current_from", c.canonical_origin},
        {"current_modified_ms", c.row.canonical_time},
        {"opened", c.row.opened_ms > 0 ? boost::json::value(utc_time(c.row.opened_ms))
                                       : boost::json::value(nullptr)},
        {"opened_ms", c.row.opened_ms},
    });
  }
  return boost::json::object{{"schema", kConflictsSchema}, {"conflicts", std::move(list)}};
}

}  // namespace zohosync::daemon
