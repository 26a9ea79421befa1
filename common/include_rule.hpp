#pragma once
// Selective sync: the rules that decide which of a collection's records take
// part, written in the config file as short sentences on the product's own
// field names:
//   "Contact_Type = Customer"            equals
//   "Contact_Type != Lead"               not equal (a blank value holds)
//   "Contact_Type in Customer, Vendor"   one of; a value with a comma is quoted: "Acme, Inc"
//   "Contact_Type not in Lead, Vendor"   none of
//   "Tag exists" / "Tag missing"         non-blank / blank or absent
// Every rule of a collection must hold (they AND together). Values compare
// trimmed and without regard to ASCII case, as Zoho's own search does. A field
// holding several values (a CRM multi-select or Tag, flattened one value per
// line by the connector) satisfies "=" and "in" when any value does, and "!="
// and "not in" when none does.
// Config parses the sentences, the planner evaluates them, and both write them
// back the same way: one vocabulary.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace zohosync::common {

enum class RuleOp { equals, not_equals, in, not_in, exists, missing };

struct IncludeRule {
  std::string field;  // the product's field name, e.g. "Contact_Type"
  RuleOp op = RuleOp::equals;
  std::vector<std::string> values;  // one for equals/not_equals; none for exists/missing
  std::string text;                 // canonical spelling, for reasons and fingerprints
};

// Separates the values of a multi-valued field in a record's native fields.
inline constexpr char kValueSeparator = '\n';

// The rule a sentence states, or the reason it states none (error set).
struct RuleParse {
  std::optional<IncludeRule> rule;
  std::string error;
};
RuleParse parse_include_rule(std::string_view text);

// Whether `value` (the record's field; "" when absent) satisfies `rule`.
bool rule_holds(const IncludeRule& rule, std::string_view value);

// The value a record created by zohosync gets so that it satisfies `rule`:
// equals and in give their first value; the others give nothing (a blank
// satisfies != and not in; "exists" cannot be met by a create).
std::optional<std::string> value_for_create(const IncludeRule& rule);

// The rules' canonical texts joined: changes exactly when what they select changes.
std::string fingerprint(const std::vector<IncludeRule>& rules);

}  // namespace zohosync::common
