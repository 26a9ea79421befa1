// common::normalize_email, the one email key of the engine and every
// connector: the README's odd email forms, then the exact key it makes.
#include <doctest/doctest.h>

#include <string>

#include "common/email_address.hpp"
#include "tests/common/odd_emails.hpp"

using zohosync::common::normalize_email;

TEST_CASE("normalize_email: the README's odd spellings are one address exactly when listed so") {
  for (const auto& odd : zohosync::test::kOddEmails) {
    const std::string stored = odd.stored, asked = odd.asked;
    CAPTURE(stored);
    CAPTURE(asked);
    CHECK((normalize_email(odd.asked) == normalize_email(odd.stored)) == odd.same);
    CHECK((normalize_email(odd.stored) == normalize_email(odd.asked)) == odd.same);
  }
}

TEST_CASE("normalize_email: the key is trimmed, ASCII lower-cased, without trailing dots") {
  struct Case {
    const char* email;
    const char* key;
  };
  const Case cases[] = {
      // Every ASCII blank around the address goes; case folds.
      {"  Ann@Example.COM\t", "ann@example.com"},
      {"\r\n\f\vann@example.com\n", "ann@example.com"},
      {"  Bob.Smith@Example.COM ", "bob.smith@example.com"},
      // Trailing dots go, after the trim (a blank before them then stays);
      // inner dots stay.
      {"ann@example.com.", "ann@example.com"},
      {"ann@example.com..", "ann@example.com"},
      {"ann@example.com.. ", "ann@example.com"},
      {"ann@example.com .", "ann@example.com "},
      {"a.n.n@example..com", "a.n.n@example..com"},
      // A plus-tag is kept.
      {"Ann+News@Example.com", "ann+news@example.com"},
      // Bytes outside ASCII are kept as they are.
      {"J\xC3\xB6rg@B\xC3\xBC"
       "cher.DE",
       "j\xC3\xB6rg@b\xC3\xBC"
       "cher.de"},
      {"J\xC3\x96RG@x.de", "j\xC3\x96rg@x.de"},
      // Blank or all dots: no key (such a record matches nobody).
      {"", ""},
      {" \t ", ""},
      {"...", ""},
  };
  for (const auto& c : cases) {
    const std::string email = c.email;
    CAPTURE(email);
    CHECK(normalize_email(c.email) == c.key);
  }
}

TEST_CASE("displayed_email: the blanks around the address go, nothing else changes") {
  using zohosync::common::displayed_email;
  CHECK(displayed_email("  Ann@Example.COM\t") == "Ann@Example.COM");
  CHECK(displayed_email("\r\n ann@example.com. \n") == "ann@example.com.");
  CHECK(displayed_email("a b@example.com") == "a b@example.com");
  CHECK(displayed_email(" \t ") == "");
}
