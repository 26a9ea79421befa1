// find_by_email against the README's odd email forms (tests/common/
// odd_emails.hpp), for the in-memory connector and every Zoho connector
// pointed at the sandbox: a look-up finds a stored record exactly when
// common::normalize_email gives the asked and the stored spelling one key, so
// find_by_email and the engine's email index never disagree about an address.

#include <doctest/doctest.h>

#include <map>
#include <string>

#include "common/email_address.hpp"
#include "tests/common/odd_emails.hpp"
#include "tests/connectors/conformance/fixture_types.hpp"

using namespace zohosync::connectors;
using namespace zohosync::connectors::conformance;
using zohosync::common::normalize_email;

TEST_CASE_TEMPLATE_DEFINE(
    "conformance: find_by_email finds an odd spelling of a stored address exactly when "
    "normalize_email gives both one key",
    F, odd_emails) {
  F f;
  Connector& c = f.connector();
  // Every address the table stores, once, by its key.
  std::map<std::string, Record> stored;
  for (const auto& odd : zohosync::test::kOddEmails) {
    const std::string key = normalize_email(odd.stored);
    if (!stored.count(key)) {
      const std::string tag = "odd" + std::to_string(stored.size());
      stored.emplace(key, f.ui_create(f.person(tag, odd.stored)));
    }
  }
  // Listed once, as the engine does before it looks anything up.
  f.run(c.list(""));
  for (const auto& odd : zohosync::test::kOddEmails) {
    const std::string stored_as = odd.stored, asked = odd.asked;
    CAPTURE(stored_as);
    CAPTURE(asked);
    // The stored record with the asked spelling's key, or none.
    const auto expected = stored.find(normalize_email(asked));
    const std::string want = expected == stored.end() ? "none" : expected->second.id;
    const auto found = f.run(c.find_by_email(asked));
    CHECK((found ? found->id : "none") == want);
  }
}
TEST_CASE_TEMPLATE_APPLY(odd_emails, AllFixtures);
