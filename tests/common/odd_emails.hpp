#pragma once
// The odd email forms of the README ("Odd data") as pairs of spellings: an
// address a product stores and one somebody looks it up by, and whether the
// two are one person. email_address_test.cpp holds common::normalize_email to
// this table; the connector conformance suite holds every connector's
// find_by_email to normalize_email on the same pairs.

namespace zohosync::test {

struct OddEmail {
  const char* stored;
  const char* asked;
  bool same;  // one address, so one person
};

// UTF-8 bytes are written as escapes, split where a letter follows (a hex
// escape would swallow it): \xC3\xB6 o-umlaut, \xC3\x96 O-umlaut, \xC3\xBC
// u-umlaut.
inline constexpr OddEmail kOddEmails[] = {
    // Other case or surrounding whitespace: the same person.
    {"ann@odd.example", "Ann@Odd.Example", true},
    {"ann@odd.example", "ANN@ODD.EXAMPLE", true},
    {"ann@odd.example", " ann@odd.example ", true},
    {"ann@odd.example", "\tAnn@odd.example\r\n", true},
    // Trailing dots (the domain's root label): the same person, also with
    // case and blanks.
    {"ann@odd.example", "ann@odd.example.", true},
    {"ann@odd.example", "Ann@Odd.Example..", true},
    {"ann@odd.example", " ANN@odd.EXAMPLE. ", true},
    // A plus-tag is part of the address: another person, either way round.
    {"ann@odd.example", "ann+news@odd.example", false},
    {"ann+news@odd.example", "Ann+News@odd.example", true},
    {"ann+news@odd.example", "ann@odd.example", false},
    // Unicode: ASCII letters fold, other bytes compare exactly (no unicode
    // case folding), and punycode is another address.
    {"j\xC3\xB6rg@b\xC3\xBC"
     "cher.example",
     "J\xC3\xB6RG@B\xC3\xBC"
     "CHER.example.",
     true},
    {"j\xC3\xB6rg@b\xC3\xBC"
     "cher.example",
     "j\xC3\x96rg@b\xC3\xBC"
     "cher.example",
     false},
    {"j\xC3\xB6rg@b\xC3\xBC"
     "cher.example",
     "j\xC3\xB6rg@xn--bcher-kva.example", false},
    // Near misses a loose product search may return: other addresses.
    {"ann@odd.example", "nn@odd.example", false},       // a substring
    {"ann@odd.example", "ann@odd.exampl", false},       // a prefix
    {"ann@odd.example", "ann@odd.example.org", false},  // a longer domain
    {"ann@odd.example", ".ann@odd.example", false},     // only trailing dots go
    {"ann@odd.example", "ann @odd.example", false},     // blanks inside stay
};

}  // namespace zohosync::test
