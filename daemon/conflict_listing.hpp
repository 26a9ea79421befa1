#pragma once
// How `zohosync conflicts list` shows the open conflicts: a table whose
// columns fit their content (a long value is cut with an ellipsis at a
// column's maximum; --json and `conflicts show` have it whole), or one JSON
// document {"schema": 1, "conflicts": [...]} with the same information.

#include <boost/json/value.hpp>
#include <string>
#include <vector>

#include "mapping/model.hpp"

namespace zohosync::daemon {

// An open conflict as the conflicts command reads it from the store.
struct OpenConflict {
  mapping::ConflictRow row;
  std::string email;             // the person's
  std::string canonical_origin;  // the collection the person's current value came from
};

// "PERSON:FIELD", e.g. "42:first_name".
std::string conflict_id(const mapping::ConflictRow& row);

// The table with its closing lines (the count, and a hint when an id is held
// in several collections); "no open conflicts\n" when there are none.
std::string format_conflicts_table(const std::vector<OpenConflict>& conflicts);

// The version of conflicts_to_json's layout, its "schema" key.
inline constexpr int kConflictsSchema = 1;

// {"schema": 1, "conflicts": [{"id", "person", "email", "field", "collection",
//  "record_id", "value", "value_modified_ms", "current_value", "current_from",
//  "current_modified_ms", "opened" (UTC, null when unknown), "opened_ms"}]}.
// Values as stored.
boost::json::value conflicts_to_json(const std::vector<OpenConflict>& conflicts);

}  // namespace zohosync::daemon
