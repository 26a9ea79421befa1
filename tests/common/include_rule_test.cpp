// The include-rule sentences of selective sync: what parses, what a user is
// told when one does not, and which values satisfy each kind.
#include <doctest/doctest.h>

#include "common/include_rule.hpp"

using namespace zohosync::common;

namespace {

IncludeRule rule(std::string_view text) {
  RuleParse parsed = parse_include_rule(text);
  REQUIRE_MESSAGE(parsed.rule.has_value(), (std::string(text) + ": " + parsed.error));
  return *parsed.rule;
}

std::string error_of(std::string_view text) {
  RuleParse parsed = parse_include_rule(text);
  CHECK_MESSAGE(!parsed.rule.has_value(), (std::string(text) + " parsed"));
  return parsed.error;
}

}  // namespace

TEST_CASE("each kind of rule parses to its field, operator and values") {
  auto equals = rule("Contact_Type = Customer");
  CHECK(equals.field == "Contact_Type");
  CHECK(equals.op == RuleOp::equals);
  CHECK(equals.values == std::vector<std::string>{"Customer"});
  CHECK(rule("Contact_Type == Customer").op == RuleOp::equals);
  CHECK(rule("  Contact_Type   !=   Lead ").op == RuleOp::not_equals);
  auto in = rule("Contact_Type in Customer, Vendor");
  CHECK(in.op == RuleOp::in);
  CHECK(in.values == std::vector<std::string>{"Customer", "Vendor"});
  CHECK(rule("Contact_Type in [Customer, Vendor]").values == in.values);
  auto not_in = rule("Contact_Type NOT IN Lead");
  CHECK(not_in.op == RuleOp::not_in);
  CHECK(rule("Tag exists").op == RuleOp::exists);
  CHECK(rule("Tag missing").op == RuleOp::missing);
  CHECK(rule("Account_Name in \"Acme, Inc\", Globex").values ==
        std::vector<std::string>{"Acme, Inc", "Globex"});
}

TEST_CASE("a rule is written back in one canonical spelling") {
  CHECK(rule("Contact_Type==Customer").text == "Contact_Type = Customer");
  CHECK(rule("Contact_Type not in [Lead,Vendor]").text == "Contact_Type not in Lead, Vendor");
  CHECK(rule("Account_Name in \"Acme, Inc\"").text == "Account_Name in \"Acme, Inc\"");
  CHECK(fingerprint({rule("A = b"), rule("C exists")}) == "A = b\nC exists\n");
  CHECK(fingerprint({}).empty());
}

TEST_CASE("a sentence that states no rule says what is wrong") {
  CHECK(error_of("").find("field name") != std::string::npos);
  CHECK(error_of("= Customer").find("field name") != std::string::npos);
  CHECK(error_of("Contact_Type Customer").find("=, !=, in, not in, exists or missing") !=
        std::string::npos);
  CHECK(error_of("Contact_Type =").find("value is missing") != std::string::npos);
  CHECK(error_of("Contact_Type = a, b").find("in / not in") != std::string::npos);
  CHECK(error_of("Contact_Type in a, , b").find("empty value") != std::string::npos);
  CHECK(error_of("Contact_Type in \"a, b").find("closing") != std::string::npos);
  CHECK(error_of("Contact_Type not Lead").find("not\" is followed by \"in") != std::string::npos);
  CHECK(error_of("Tag exists now").find("nothing may follow") != std::string::npos);
}

TEST_CASE("values compare trimmed and without regard to case") {
  CHECK(rule_holds(rule("Contact_Type = Customer"), " customer "));
  CHECK(!rule_holds(rule("Contact_Type = Customer"), "Customers"));
  CHECK(!rule_holds(rule("Contact_Type = Customer"), ""));
  CHECK(rule_holds(rule("Contact_Type in Customer, Vendor"), "VENDOR"));
  CHECK(!rule_holds(rule("Contact_Type in Customer, Vendor"), "Lead"));
  CHECK(rule_holds(rule("Contact_Type != Lead"), ""));  // a blank is not a lead
  CHECK(!rule_holds(rule("Contact_Type != Lead"), "lead"));
  CHECK(rule_holds(rule("Contact_Type not in Lead, Vendor"), "Customer"));
  CHECK(!rule_holds(rule("Contact_Type not in Lead, Vendor"), "Vendor"));
  CHECK(rule_holds(rule("Tag exists"), "VIP"));
  CHECK(!rule_holds(rule("Tag exists"), "  "));
  CHECK(rule_holds(rule("Tag missing"), ""));
  CHECK(!rule_holds(rule("Tag missing"), "VIP"));
}

TEST_CASE("a field with several values: any one satisfies =, none may satisfy !=") {
  const std::string tags = std::string("Partner") + kValueSeparator + "VIP";
  CHECK(rule_holds(rule("Tag = vip"), tags));
  CHECK(rule_holds(rule("Tag in Gold, Partner"), tags));
  CHECK(!rule_holds(rule("Tag = Gold"), tags));
  CHECK(!rule_holds(rule("Tag != VIP"), tags));
  CHECK(rule_holds(rule("Tag not in Gold, Silver"), tags));
  CHECK(rule_holds(rule("Tag exists"), tags));
}

TEST_CASE("a create gets the first value of = and in, other rules give none") {
  CHECK(value_for_create(rule("Contact_Type = Customer")) == "Customer");
  CHECK(value_for_create(rule("Contact_Type in Customer, Vendor")) == "Customer");
  CHECK(!value_for_create(rule("Contact_Type != Lead")).has_value());
  CHECK(!value_for_create(rule("Contact_Type not in Lead")).has_value());
  CHECK(!value_for_create(rule("Tag exists")).has_value());
  CHECK(!value_for_create(rule("Tag missing")).has_value());
}
