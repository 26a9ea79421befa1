// Odd emails from the products: what is one person, what is skipped (and
// why), and that nothing odd ever becomes a bogus person or a duplicate.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "mapping/memory_state.hpp"
#include "mapping/normalize.hpp"
#include "mapping/planner.hpp"
#include "tests/hostile/planning.hpp"

using namespace zohosync::mapping;
using namespace zohosync::hostile;

TEST_CASE("emails: which values can identify a person") {
  const std::string long_local(120, 'a');
  const std::vector<std::string> valid = {"ann@example.com",
                                          "ann+tag@example.com",
                                          "ann@example.com.",
                                          " ann@example.com ",
                                          "j\xC3\xB6rg@b\xC3\xBc"
                                          "cher.de",
                                          "\xE7\x94\xA8\xE6\x88\xB7@\xE4\xBE\x8B\xE5\xAD\x90.cn",
                                          long_local + "@example.com",
                                          ""};
  for (const std::string& ok : valid) {
    CHECK_MESSAGE(email_problem(ok).empty(), ok);
  }
  CHECK(email_problem("ann.example.com") == "has no '@'");
  CHECK(email_problem("ann@b@example.com") == "has more than one '@'");
  CHECK(email_problem("@example.com") == "has nothing before the '@'");
  CHECK(email_problem("ann@") == "has no domain after the '@'");
  CHECK(email_problem("ann@.") == "has no domain after the '@'");
  CHECK(email_problem("ann smith@example.com") == "has whitespace or a control character inside");
  CHECK(email_problem(std::string("ann\0@x.com", 10)) ==
        "has whitespace or a control character inside");
  CHECK(email_problem(std::string(250, 'a') + "@x.com") ==
        "is 256 bytes, longer than an address can be (254)");
}

TEST_CASE("emails: one CRM page of odd emails makes the right people and skips the rest") {
  MemoryState st;
  CollectingSink sink;
  const std::string long_email = std::string(110, 'l') + "@example.com";  // 122 bytes
  std::vector<Observation> obs{
      observe(kCrm, {crm("1", "ann@example.com", "Ann", "Lee", 1),
                     crm("2", "ann+news@example.com", "Ann", "Lee", 2),
                     crm("3", " ANN@Example.com. ", "Ann", "Lee", 3),
                     crm("4",
                         "j\xC3\xB6rg@b\xC3\xBc"
                         "cher.de",
                         "J\xC3\xB6rg", "M\xC3\xBCller", 4),
                     crm("5", "no-at-sign.example.com", "No", "At", 5),
                     crm("6", "two@at@example.com", "Two", "At", 6),
                     crm("7", long_email, "Long", "Mail", 7), crm("8", "", "No", "Mail", 8)})};
  plan(st, obs, three_collections(), 0, sink);

  // ann, ann+news, jörg, the long one: four people.
  CHECK(st.people().size() == 4);
  CHECK(st.person_by_email("ann@example.com").has_value());
  CHECK(st.person_by_email("ann+news@example.com").has_value());
  CHECK(st.person_by_email("j\xC3\xB6rg@b\xC3\xBc"
                           "cher.de")
            .has_value());
  CHECK(st.person_by_email(long_email).has_value());

  // " ANN@Example.com. " is ann's second CRM record: reported, never linked.
  auto duplicates = of_kind(sink.actions, ActionKind::duplicate);
  REQUIRE(duplicates.size() == 1);
  CHECK(duplicates[0].record_id == "3");

  auto skips = of_kind(sink.actions, ActionKind::skip);
  REQUIRE(skips.size() == 3);
  CHECK(skips[0].record_id == "5");
  CHECK(skips[0].reason ==
        "record's email 'no-at-sign.example.com' has no '@': not synced (no person is made from "
        "an invalid email)");
  CHECK(skips[1].record_id == "6");
  CHECK(skips[1].reason.find("has more than one '@'") != std::string::npos);
  CHECK(skips[2].record_id == "8");
  CHECK(skips[2].reason.find("no email") != std::string::npos);

  // Creates: one per valid person and target, except where the long email is
  // over the product's 100-byte limit: refused with a reason, not truncated.
  auto creates = of_kind(sink.actions, ActionKind::create);
  CHECK(creates.size() == 6);  // 3 people x (inventory, contracts)
  auto refused = of_kind(sink.actions, ActionKind::refuse);
  REQUIRE(refused.size() == 2);
  for (const auto& r : refused) {
    CHECK(r.person_email == long_email);
    CHECK(r.reason.find("longer than its limit of 100") != std::string::npos);
  }
}

TEST_CASE("emails: a trailing dot, case and spaces in another product match the same person") {
  MemoryState st;
  CollectingSink first;
  std::vector<Observation> crm_only{observe(kCrm, {crm("1", "bo@example.com", "Bo", "Lind")})};
  plan(st, crm_only, three_collections(), 0, first);
  REQUIRE(st.people().size() == 1);

  CollectingSink second;
  std::vector<Observation> obs{
      observe(kCrm, {crm("1", "bo@example.com", "Bo", "Lind")}),
      observe(kInventory, {inventory("p1", " BO@Example.com. ", "Bo", "Lind")})};
  plan(st, obs, three_collections(), 0, second);
  CHECK(st.people().size() == 1);
  auto links = of_kind(second.actions, ActionKind::link);
  REQUIRE(links.size() == 1);
  CHECK(links[0].reason == "matched by email to an existing person");
  // The same address: no update churns it either way, no second create.
  CHECK(of_kind(second.actions, ActionKind::update).empty());
  for (const auto& c : of_kind(second.actions, ActionKind::create))
    CHECK(c.collection != kInventory);
}

TEST_CASE("emails: a linked record edited to an invalid email is not adopted") {
  MemoryState st;
  CollectingSink first;
  std::vector<Observation> obs{observe(kCrm, {crm("1", "cy@example.com", "Cy", "Ng", 10)})};
  plan(st, obs, three_collections(), 0, first);

  CollectingSink second;
  std::vector<Observation> edited{observe(kCrm, {crm("1", "cy(at)example.com", "Cy", "Ng", 20)})};
  plan(st, edited, three_collections(), 0, second);
  REQUIRE(st.people().size() == 1);
  CHECK(st.people().begin()->second.values[Field::email] == "cy@example.com");
  CHECK(st.link(kCrm, "1")->base[Field::email] == "cy@example.com");
  auto skips = of_kind(second.actions, ActionKind::skip);
  REQUIRE(skips.size() == 1);
  CHECK(skips[0].reason ==
        "email 'cy(at)example.com' has no '@': not adopted, the person keeps 'cy@example.com'");
  CHECK(of_kind(second.actions, ActionKind::update).empty());
}
