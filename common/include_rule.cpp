#include "common/include_rule.hpp"

#include <cctype>

namespace zohosync::common {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
    s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
    s.remove_suffix(1);
  return s;
}

bool same_text(std::string_view a, std::string_view b) {
  a = trim(a);
  b = trim(b);
  if (a.size() != b.size())
    return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  }
  return true;
}

bool field_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '$' ||
         c == '-';
}

// "a, b, \"c, d\"" (optionally inside [ ]) -> {a, b, c, d}; error on an empty
// value or an unterminated quote.
std::optional<std::vector<std::string>> split_values(std::string_view list, std::string& error) {
  list = trim(list);
  if (list.size() >= 2 && list.front() == '[' && list.back() == ']')
    list = trim(list.substr(1, list.size() - 2));
  std::vector<std::string> values;
  std::size_t i = 0;
  while (true) {
    while (i < list.size() && std::isspace(static_cast<unsigned char>(list[i])))
      ++i;
    std::string value;
    if (i < list.size() && list[i] == '"') {
      const std::size_t close = list.find('"', i + 1);
      if (close == std::string_view::npos) {
        error = "a quoted value has no closing \"";
        return std::nullopt;
      }
      value = std::string(list.substr(i + 1, close - i - 1));
      i = close + 1;
      while (i < list.size() && std::isspace(static_cast<unsigned char>(list[i])))
        ++i;
      if (i < list.size() && list[i] != ',') {
        error = "text after a quoted value; separate values with commas";
        return std::nullopt;
      }
    } else {
      const std::size_t comma = std::min(list.find(',', i), list.size());
      value = std::string(trim(list.substr(i, comma - i)));
      i = comma;
    }
    if (trim(value).empty()) {
      error = "an empty value (to select blank values, use \"missing\")";
      return std::nullopt;
    }
    values.push_back(std::string(trim(value)));
    if (i >= list.size())
      break;
    ++i;  // the comma
  }
  return values;
}

std::string quoted_if_needed(const std::string& value) {
  return value.find(',') != std::string::npos ? "\"" + value + "\"" : value;
}

std::string canonical_text(const IncludeRule& rule) {
  std::string values;
  for (const auto& v : rule.values)
    values += (values.empty() ? "" : ", ") + quoted_if_needed(v);
  switch (rule.op) {
    case RuleOp::equals:
      return rule.field + " = " + values;
    case RuleOp::not_equals:
      return rule.field + " != " + values;
    case RuleOp::in:
      return rule.field + " in " + values;
    case RuleOp::not_in:
      return rule.field + " not in " + values;
    case RuleOp::exists:
      return rule.field + " exists";
    case RuleOp::missing:
      return rule.field + " missing";
  }
  return rule.field;
}

// Calls `each` with every value of a (possibly multi-valued) field.
template <class F>
bool any_value(std::string_view value, F each) {
  while (true) {
    const std::size_t cut = value.find(kValueSeparator);
    if (each(value.substr(0, cut)))
      return true;
    if (cut == std::string_view::npos)
      return false;
    value.remove_prefix(cut + 1);
  }
}

bool matches_one_of(std::string_view value, const std::vector<std::string>& wanted) {
  return any_value(value, [&](std::string_view one) {
    for (const auto& w : wanted) {
      if (same_text(one, w))
        return true;
    }
    return false;
  });
}

}  // namespace

RuleParse parse_include_rule(std::string_view text) {
  RuleParse out;
  std::string_view rest = trim(text);
  std::size_t n = 0;
  while (n < rest.size() && field_char(rest[n]))
    ++n;
  if (n == 0) {
    out.error = "a rule starts with a field name (the product's own, e.g. Contact_Type)";
    return out;
  }
  IncludeRule rule;
  rule.field = std::string(rest.substr(0, n));
  rest = trim(rest.substr(n));
  auto word = [&](std::string_view w) {
    if (rest.size() < w.size() || !same_text(rest.substr(0, w.size()), w))
      return false;
    if (rest.size() > w.size() && !std::isspace(static_cast<unsigned char>(rest[w.size()])))
      return false;
    rest = trim(rest.substr(w.size()));
    return true;
  };
  bool takes_list = false;
  bool takes_one = false;
  if (rest.starts_with("!=")) {
    rule.op = RuleOp::not_equals;
    rest = trim(rest.substr(2));
    takes_one = true;
  } else if (rest.starts_with("==") || rest.starts_with("=")) {
    rule.op = RuleOp::equals;
    rest = trim(rest.substr(rest.starts_with("==") ? 2 : 1));
    takes_one = true;
  } else if (word("in")) {
    rule.op = RuleOp::in;
    takes_list = true;
  } else if (word("not")) {
    if (!word("in")) {
      out.error = "\"not\" is followed by \"in\" (or write " + rule.field + " != value)";
      return out;
    }
    rule.op = RuleOp::not_in;
    takes_list = true;
  } else if (word("exists")) {
    rule.op = RuleOp::exists;
  } else if (word("missing")) {
    rule.op = RuleOp::missing;
  } else {
    out.error = "after the field name comes =, !=, in, not in, exists or missing";
    return out;
  }
  if (takes_list || takes_one) {
    if (rest.empty()) {
      out.error = "a value is missing after the operator";
      return out;
    }
    auto values = split_values(rest, out.error);
    if (!values)
      return out;
    if (takes_one && values->size() != 1) {
      out.error = "= and != take one value; for several use in / not in";
      return out;
    }
    rule.values = std::move(*values);
  } else if (!rest.empty()) {
    out.error = "nothing may follow exists / missing";
    return out;
  }
  rule.text = canonical_text(rule);
  out.rule = std::move(rule);
  return out;
}

bool rule_holds(const IncludeRule& rule, std::string_view value) {
  switch (rule.op) {
    case RuleOp::equals:
    case RuleOp::in:
      return matches_one_of(value, rule.values);
    case RuleOp::not_equals:
    case RuleOp::not_in:
      return !matches_one_of(value, rule.values);
    case RuleOp::exists:
      return any_value(value, [](std::string_view one) { return !trim(one).empty(); });
    case RuleOp::missing:
      return !any_value(value, [](std::string_view one) { return !trim(one).empty(); });
  }
  return false;
}

std::optional<std::string> value_for_create(const IncludeRule& rule) {
  if ((rule.op == RuleOp::equals || rule.op == RuleOp::in) && !rule.values.empty())
    return rule.values.front();
  return std::nullopt;
}

std::string fingerprint(const std::vector<IncludeRule>& rules) {
  std::string out;
  for (const auto& rule : rules) {
    out += rule.text;
    out += '\n';
  }
  return out;
}

}  // namespace zohosync::common
