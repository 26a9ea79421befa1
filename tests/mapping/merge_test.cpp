// The reconcile rule, one row per case (DESIGN.md's table, new links, blanks,
// and each conflict policy).
#include <doctest/doctest.h>

#include <optional>
#include <string>

#include "mapping/merge.hpp"

using namespace zohosync::mapping;

namespace {

struct Case {
  const char* name;
  Field field;
  std::optional<std::string> base;  // nullopt: new link
  std::string remote;
  std::string canonical;
  ConflictPolicy policy;
  std::int64_t remote_time;
  std::int64_t canonical_time;
  int remote_rank;
  int canonical_rank;
  bool blank_overwrites;
  MergeOutcome expected;
};

constexpr auto N = ConflictPolicy::newest;
constexpr auto P = ConflictPolicy::priority;
constexpr auto M = ConflictPolicy::manual;
constexpr auto fn = Field::first_name;

const Case kCases[] = {
    // R same as base, P any.
    {"R same, P same", fn, "Ann", "Ann", "Ann", N, 0, 0, 0, 0, false, MergeOutcome::unchanged},
    {"R same, P changed: C stale", fn, "Ann", "Ann", "Anna", N, 0, 0, 0, 0, false,
     MergeOutcome::push},
    {"R same after reformat, P changed", Field::phone, "555 1234", "5551234", "555 9999", N, 0, 0,
     0, 0, false, MergeOutcome::push},
    {"R same modulo email case", Field::email, "a@x.com", "A@X.com", "a@x.com", N, 0, 0, 0, 0,
     false, MergeOutcome::unchanged},
    // R changed, P same.
    {"only C changed", fn, "Ann", "Anna", "Ann", N, 0, 0, 0, 0, false, MergeOutcome::adopt},
    {"only C changed, to blank (refused)", fn, "Ann", "", "Ann", N, 0, 0, 0, 0, false,
     MergeOutcome::blank_refused},
    {"only C changed, to blank (opt-in)", fn, "Ann", "", "Ann", N, 0, 0, 0, 0, true,
     MergeOutcome::adopt},
    {"only C changed, from blank", fn, "", "Ann", "", N, 0, 0, 0, 0, false, MergeOutcome::adopt},
    // R changed, P changed to the same value.
    {"both agree", fn, "Ann", "Anna", "Anna", N, 0, 0, 0, 0, false, MergeOutcome::agree},
    {"both agree after normalization", Field::mobile, "1", "+1 (555) 000", "1555000", N, 0, 0, 0, 0,
     false, MergeOutcome::agree},
    // R changed, P changed differently: the policy.
    {"newest: remote later", fn, "Ann", "Anna", "Annie", N, 200, 100, 1, 0, false,
     MergeOutcome::conflict_remote},
    {"newest: canonical later", fn, "Ann", "Anna", "Annie", N, 100, 200, 0, 1, false,
     MergeOutcome::conflict_canonical},
    {"newest: tie, remote has priority", fn, "Ann", "Anna", "Annie", N, 100, 100, 0, 1, false,
     MergeOutcome::conflict_remote},
    {"newest: tie, canonical has priority", fn, "Ann", "Anna", "Annie", N, 100, 100, 1, 0, false,
     MergeOutcome::conflict_canonical},
    {"newest: tie, same rank keeps canonical", fn, "Ann", "Anna", "Annie", N, 100, 100, 2, 2, false,
     MergeOutcome::conflict_canonical},
    {"priority: remote first", fn, "Ann", "Anna", "Annie", P, 0, 999, 0, 1, false,
     MergeOutcome::conflict_remote},
    {"priority: canonical first (time ignored)", fn, "Ann", "Anna", "Annie", P, 999, 0, 1, 0, false,
     MergeOutcome::conflict_canonical},
    {"manual: held", fn, "Ann", "Anna", "Annie", M, 999, 0, 0, 1, false,
     MergeOutcome::conflict_held},
    {"conflict, remote blanked: canonical kept", fn, "Ann", "", "Annie", M, 999, 0, 0, 1, false,
     MergeOutcome::conflict_canonical},
    {"conflict, canonical blanked: remote kept", fn, "Ann", "Anna", "", M, 0, 999, 1, 0, false,
     MergeOutcome::conflict_remote},
    {"conflict, remote blanked, opt-in: policy", fn, "Ann", "", "Annie", N, 999, 0, 0, 1, true,
     MergeOutcome::conflict_remote},
    // New link (no base).
    {"new link: equal", fn, std::nullopt, "Ann", "Ann", N, 0, 0, 0, 0, false, MergeOutcome::agree},
    {"new link: equal modulo case", Field::email, std::nullopt, "A@x.com", "a@X.com", N, 0, 0, 0, 0,
     false, MergeOutcome::agree},
    {"new link: both blank", fn, std::nullopt, "", " ", N, 0, 0, 0, 0, false,
     MergeOutcome::unchanged},
    {"new link: remote blank", fn, std::nullopt, "", "Ann", N, 0, 0, 0, 0, false,
     MergeOutcome::fill_remote},
    {"new link: canonical blank", fn, std::nullopt, "Ann", "", N, 0, 0, 0, 0, false,
     MergeOutcome::fill_canonical},
    {"new link: remote blank, opt-in still fills", fn, std::nullopt, "", "Ann", N, 0, 0, 0, 0, true,
     MergeOutcome::fill_remote},
    {"new link: differ, newest remote", fn, std::nullopt, "Anna", "Ann", N, 5, 1, 0, 0, false,
     MergeOutcome::conflict_remote},
    {"new link: differ, priority canonical", fn, std::nullopt, "Anna", "Ann", P, 5, 1, 3, 0, false,
     MergeOutcome::conflict_canonical},
    {"new link: differ, manual", fn, std::nullopt, "Anna", "Ann", M, 5, 1, 0, 0, false,
     MergeOutcome::conflict_held},
};

}  // namespace

TEST_CASE("merge_field: the reconcile rule table") {
  for (const Case& c : kCases) {
    CAPTURE(c.name);
    MergeInput in;
    in.field = c.field;
    in.base = c.base ? &*c.base : nullptr;
    in.remote = c.remote;
    in.canonical = c.canonical;
    in.policy = c.policy;
    in.remote_time = c.remote_time;
    in.canonical_time = c.canonical_time;
    in.remote_rank = c.remote_rank;
    in.canonical_rank = c.canonical_rank;
    in.blank_overwrites = c.blank_overwrites;
    MergeOutcome got = merge_field(in);
    CAPTURE(to_string(got));
    CHECK(got == c.expected);
  }
}

TEST_CASE("merge outcome helpers") {
  CHECK(takes_remote(MergeOutcome::adopt));
  CHECK(takes_remote(MergeOutcome::conflict_remote));
  CHECK_FALSE(takes_remote(MergeOutcome::push));
  CHECK(is_conflict(MergeOutcome::conflict_held));
  CHECK_FALSE(is_conflict(MergeOutcome::agree));
}
