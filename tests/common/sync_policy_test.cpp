// common's sync policies: every config word parses to its value and back, in
// enumerator order (the order config documents its choices in), and nothing
// else parses.
#include <doctest/doctest.h>

#include <cstddef>
#include <initializer_list>
#include <string>
#include <utility>

#include "common/sync_policy.hpp"

namespace common = zohosync::common;
using common::ConflictPolicy;
using common::DeletePolicy;
using common::Direction;

namespace {

// Each word with its value, listed in enumerator order.
template <class E>
void check_round_trip(std::initializer_list<std::pair<const char*, E>> cases) {
  const auto all = common::words<E>();
  REQUIRE(all.size() == cases.size());
  std::size_t i = 0;
  for (const auto& [word, value] : cases) {
    CAPTURE(word);
    CHECK(common::to_string(value) == word);
    CHECK(common::parse<E>(word) == value);
    CHECK(all[i] == word);
    CHECK(static_cast<std::size_t>(value) == i);  // stored on disk: never renumbered
    ++i;
  }
}

}  // namespace

TEST_CASE("sync policies: every config word names one value, in enumerator order") {
  check_round_trip<ConflictPolicy>({{"newest", ConflictPolicy::newest},
                                    {"priority", ConflictPolicy::priority},
                                    {"manual", ConflictPolicy::manual}});
  check_round_trip<DeletePolicy>({{"unlink", DeletePolicy::unlink},
                                  {"propagate", DeletePolicy::propagate},
                                  {"ignore", DeletePolicy::ignore}});
  check_round_trip<Direction>({{"both", Direction::both},
                               {"to_product", Direction::to_product},
                               {"from_product", Direction::from_product},
                               {"off", Direction::off}});
}

TEST_CASE("sync policies: other words do not parse") {
  // The empty word is config's "unset" for a collection's on_delete.
  for (const char* word : {"", "Newest", " newest", "newest ", "delete", "none", "?"}) {
    CAPTURE(std::string(word));
    CHECK_FALSE(common::parse<ConflictPolicy>(word).has_value());
    CHECK_FALSE(common::parse<DeletePolicy>(word).has_value());
    CHECK_FALSE(common::parse<Direction>(word).has_value());
  }
  CHECK_FALSE(common::parse<Direction>("unlink").has_value());
}

TEST_CASE("sync policies: a number no enumerator has prints as ?") {
  CHECK(common::to_string(static_cast<ConflictPolicy>(7)) == "?");
  CHECK(common::to_string(static_cast<DeletePolicy>(3)) == "?");
  CHECK(common::to_string(static_cast<Direction>(4)) == "?");
}

TEST_CASE("sync policies: which directions read from and write to a product") {
  struct Case {
    Direction direction;
    bool reads;
    bool writes;
  };
  const Case cases[] = {
      {Direction::both, true, true},           // both ways
      {Direction::to_product, false, true},    // the product only receives
      {Direction::from_product, true, false},  // the product only feeds the person
      {Direction::off, false, false},          // ignored
  };
  for (const auto& c : cases) {
    CAPTURE(common::to_string(c.direction));
    CHECK(common::reads(c.direction) == c.reads);
    CHECK(common::writes(c.direction) == c.writes);
  }
}
