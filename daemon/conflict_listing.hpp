#pragma once
// How `zohosync conflicts list` shows the open conflicts: a table whose
// columns fit their content (a long value is cut with an ellipsis at a
// column's maximum; `conflicts show` has it whole).

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

}  // namespace zohosync::daemon
