#include "connectors/inventory/inventory_cursor.hpp"

#include <charconv>

namespace zohosync::connectors::inventory {

namespace {

constexpr std::string_view kPrefix = "inv1;";

bool read_number(std::string_view text, std::int64_t& out) {
  if (text.empty())
    return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

// Takes "name=value" up to the next ';' off the front of `rest`.
bool take_field(std::string_view& rest, std::string_view name, std::string_view& value) {
  const std::size_t end = rest.find(';');
  std::string_view part = rest.substr(0, end);
  rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
  if (part.size() <= name.size() || part.substr(0, name.size()) != name ||
      part[name.size()] != '=') {
    return false;
  }
  value = part.substr(name.size() + 1);
  return true;
}

}  // namespace

std::string encode_cursor(const PersonsCursor& cursor) {
  std::string out(kPrefix);
  out += "full=" + std::to_string(cursor.full_scan_ms);
  out += ";newest=" + std::to_string(cursor.newest_ms);
  out += ";listed=" + std::to_string(cursor.listed_ms);
  if (cursor.sweep_from_ms > 0) {
    // "-": none read yet (a field may not be empty).
    out += ";sweep_from=" + std::to_string(cursor.sweep_from_ms);
    out += ";swept=" + (cursor.swept.empty() ? std::string("-") : cursor.swept);
  }
  out += ";at=";
  bool first = true;
  for (const auto& id : cursor.at_newest) {
    if (!first)
      out += ',';
    out += id;
    first = false;
  }
  return out;
}

std::optional<PersonsCursor> decode_cursor(std::string_view text) {
  if (text.substr(0, kPrefix.size()) != kPrefix)
    return std::nullopt;
  std::string_view rest = text.substr(kPrefix.size());
  std::string_view full, newest, at;
  PersonsCursor cursor;
  if (!take_field(rest, "full", full) || !read_number(full, cursor.full_scan_ms) ||
      !take_field(rest, "newest", newest) || !read_number(newest, cursor.newest_ms)) {
    return std::nullopt;
  }
  // Cursors written before `listed` existed lack it: 0 re-reads their "at"
  // contacts once, which is always safe.
  std::string_view listed;
  if (rest.substr(0, 7) == "listed=" &&
      (!take_field(rest, "listed", listed) || !read_number(listed, cursor.listed_ms))) {
    return std::nullopt;
  }
  // A sweep under way (written by a daemon); an older zohosync refuses the
  // cursor and scans in full, which is safe.
  if (rest.substr(0, 11) == "sweep_from=") {
    std::string_view from, swept;
    if (!take_field(rest, "sweep_from", from) || !read_number(from, cursor.sweep_from_ms) ||
        cursor.sweep_from_ms <= 0 || !take_field(rest, "swept", swept))
      return std::nullopt;
    cursor.swept = swept == "-" ? std::string() : std::string(swept);
  }
  // "at=" may be empty, which take_field refuses: read it by hand.
  if (rest.substr(0, 3) != "at=" || rest.find(';') != std::string_view::npos)
    return std::nullopt;
  at = rest.substr(3);
  while (!at.empty()) {
    const std::size_t comma = at.find(',');
    std::string_view id = at.substr(0, comma);
    if (id.empty())
      return std::nullopt;
    cursor.at_newest.emplace(id);
    at = comma == std::string_view::npos ? std::string_view() : at.substr(comma + 1);
  }
  return cursor;
}

}  // namespace zohosync::connectors::inventory
