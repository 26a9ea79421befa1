// Normalization: two values that normalize equal are equal everywhere.
#include <doctest/doctest.h>

#include "mapping/normalize.hpp"

using namespace zohosync::mapping;

TEST_CASE("equivalent: per-field comparison rules") {
  struct Case {
    Field field;
    const char* a;
    const char* b;
    bool same;
  };
  const Case cases[] = {
      // email: the common key (trimmed, case-insensitive, trailing dots aside)
      {Field::email, "Ann@Example.com", "ann@example.com", true},
      {Field::email, " ann@example.com\t", "ann@example.com", true},
      {Field::email, "ann@example.com.", "Ann@Example.com", true},
      {Field::email, "ann@example.com", "ann@example.org", false},
      {Field::email, "ann+tag@example.com", "ann@example.com", false},
      // phone and mobile: digits only
      {Field::phone, "+1 (555) 123-4567", "15551234567", true},
      {Field::mobile, "555.123.4567", "555 123 4567", true},
      {Field::phone, "555 1234", "555 1235", false},
      {Field::phone, "n/a", "", false},  // no digits: text compare, still not blank
      // names and others: whitespace collapsed, case kept
      {Field::first_name, "  Mary   Ann ", "Mary Ann", true},
      {Field::first_name, "mary", "Mary", false},
      {Field::designation, "Head of\tSales", "Head of Sales", true},
      {Field::last_name, "", "   ", true},
  };
  for (const auto& c : cases) {
    CAPTURE(field_name(c.field));
    CAPTURE(c.a);
    CAPTURE(c.b);
    CHECK(equivalent(c.field, c.a, c.b) == c.same);
    CHECK(equivalent(c.field, c.b, c.a) == c.same);
  }
}

TEST_CASE("is_blank and collapse_whitespace") {
  CHECK(is_blank(" \t\n"));
  CHECK_FALSE(is_blank(" x "));
  CHECK(collapse_whitespace("  a  b\n c ") == "a b c");
}

TEST_CASE("field names round-trip") {
  for (Field f : kAllFields) {
    auto back = field_from_name(field_name(f));
    REQUIRE(back.has_value());
    CHECK(*back == f);
  }
  CHECK(field_from_name("title") == Field::designation);
  CHECK_FALSE(field_from_name("nickname").has_value());
}
