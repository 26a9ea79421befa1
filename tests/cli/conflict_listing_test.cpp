// `zohosync conflicts list`: columns as wide as their content (a long value
// cut with an ellipsis), emails without the blanks stored around them, and
// --json with the same information, whole.
#include <doctest/doctest.h>

#include <boost/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "daemon/conflict_listing.hpp"

using zohosync::daemon::OpenConflict;
namespace mapping = zohosync::mapping;

namespace {

OpenConflict conflict(mapping::PersonId person, mapping::Field field, std::string email,
                      std::string collection, std::string value, std::string current) {
  OpenConflict c;
  c.row.person = person;
  c.row.field = field;
  c.row.collection = std::move(collection);
  c.row.record_id = "r" + std::to_string(person);
  c.row.remote_value = std::move(value);
  c.row.canonical_value = std::move(current);
  c.row.opened_ms = 1'790'000'000'000;
  c.email = std::move(email);
  c.canonical_origin = "crm.contacts";
  return c;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    lines.push_back(line);
  return lines;
}

const std::string kLongEmail =
    "a.very.long.local.part.for.testing@subdomain.of.an.example.organisation.com";

}  // namespace

TEST_CASE("conflicts list: each column starts at the same place on every line") {
  const std::vector<OpenConflict> conflicts = {
      conflict(7, mapping::Field::phone, "  ann@example.com ", "projects.contacts", "555 0100",
               "555 0199"),
      conflict(12345, mapping::Field::last_name, "bo@x.io", "contracts.counterparty_contacts",
               "Stone", "Stein"),
  };
  const auto lines = lines_of(format_conflicts_table(conflicts));
  CAPTURE(format_conflicts_table(conflicts));
  REQUIRE(lines.size() == 4);
  // The column a heading starts at is where every row's cell starts.
  for (const char* heading : {"person", "collection", "its value", "current value"}) {
    CAPTURE(heading);
    const auto at = lines[0].find(heading);
    REQUIRE(at != std::string::npos);
    CHECK(lines[1][at - 1] == ' ');
    CHECK(lines[1][at] != ' ');
    CHECK(lines[2][at] != ' ');
  }
  // The email without its stored blanks.
  CHECK(lines[1].find("7:phone") == 0);
  const auto person = lines[0].find("person");
  CHECK(lines[1].substr(person, 17) == "ann@example.com  ");
  CHECK(lines[3] == "2 open conflicts; `zohosync conflicts show ID` for details");
}

TEST_CASE("conflicts list: a long email is cut with an ellipsis and keeps the columns") {
  const std::vector<OpenConflict> conflicts = {
      conflict(1, mapping::Field::email, kLongEmail, "crm.contacts", " " + kLongEmail + " ",
               "ann@example.com"),
      conflict(2, mapping::Field::first_name, "bo@x.io", "projects.contacts", "Bo", "Bob"),
  };
  const std::string table = format_conflicts_table(conflicts);
  CAPTURE(table);
  const auto lines = lines_of(table);
  REQUIRE(lines.size() == 4);
  const std::string cut = kLongEmail.substr(0, 39) + "\u2026";
  CHECK(lines[1].find(cut) != std::string::npos);
  CHECK(table.find(kLongEmail) == std::string::npos);
  // The terminal column a text starts at (the ellipsis is one column, three bytes).
  auto column_of = [](const std::string& line, const std::string& text) {
    const auto at = line.find(text);
    REQUIRE(at != std::string::npos);
    std::size_t column = 0;
    for (std::size_t i = 0; i < at; ++i)
      column += (line[i] & 0xC0) != 0x80 ? 1 : 0;
    return column;
  };
  CHECK(column_of(lines[1], "crm.contacts") == column_of(lines[0], "collection"));
  CHECK(column_of(lines[2], "projects.contacts") == column_of(lines[0], "collection"));
  CHECK(column_of(lines[1], "ann@example.com") == column_of(lines[0], "current value"));
}

TEST_CASE("conflicts list --json: schema 1 and every conflict whole") {
  const std::vector<OpenConflict> conflicts = {
      conflict(1, mapping::Field::email, kLongEmail, "crm.contacts", kLongEmail, "ann@example.com"),
  };
  const auto doc = conflicts_to_json(conflicts).as_object();
  CHECK(doc.at("schema") == 1);
  const auto& list = doc.at("conflicts").as_array();
  REQUIRE(list.size() == 1);
  const auto& c = list[0].as_object();
  CHECK(c.at("id") == "1:email");
  CHECK(c.at("email").as_string() == kLongEmail);
  CHECK(c.at("collection") == "crm.contacts");
  CHECK(c.at("record_id") == "r1");
  CHECK(c.at("value").as_string() == kLongEmail);
  CHECK(c.at("current_value") == "ann@example.com");
  CHECK(c.at("current_from") == "crm.contacts");
  CHECK(c.at("opened") == "2026-09-21T14:13:20Z");
  CHECK(zohosync::daemon::conflicts_to_json({}).as_object().at("conflicts").as_array().empty());
}
