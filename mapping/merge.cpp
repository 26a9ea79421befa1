#include "mapping/merge.hpp"

#include "mapping/normalize.hpp"

namespace zohosync::mapping {

std::string_view to_string(MergeOutcome outcome) {
  switch (outcome) {
    case MergeOutcome::unchanged:
      return "unchanged";
    case MergeOutcome::push:
      return "push";
    case MergeOutcome::adopt:
      return "adopt";
    case MergeOutcome::agree:
      return "agree";
    case MergeOutcome::fill_canonical:
      return "fill_canonical";
    case MergeOutcome::fill_remote:
      return "fill_remote";
    case MergeOutcome::blank_refused:
      return "blank_refused";
    case MergeOutcome::conflict_remote:
      return "conflict_remote";
    case MergeOutcome::conflict_canonical:
      return "conflict_canonical";
    case MergeOutcome::conflict_held:
      return "conflict_held";
  }
  return "unchanged";
}

namespace {

// Two different values, both moved: the policy decides. A blank side loses
// to a non-blank one unless the field lets blanks overwrite.
MergeOutcome decide_conflict(const MergeInput& in) {
  if (!in.blank_overwrites) {
    if (is_blank(in.remote))
      return MergeOutcome::conflict_canonical;
    if (is_blank(in.canonical))
      return MergeOutcome::conflict_remote;
  }
  switch (in.policy) {
    case ConflictPolicy::manual:
      return MergeOutcome::conflict_held;
    case ConflictPolicy::newest:
      if (in.remote_time > in.canonical_time)
        return MergeOutcome::conflict_remote;
      if (in.remote_time < in.canonical_time)
        return MergeOutcome::conflict_canonical;
      [[fallthrough]];  // same time: priority decides
    case ConflictPolicy::priority:
      // A tie in rank keeps the canonical value: moving it would be a flip
      // with no reason.
      return in.remote_rank < in.canonical_rank ? MergeOutcome::conflict_remote
                                                : MergeOutcome::conflict_canonical;
  }
  return MergeOutcome::conflict_held;
}

}  // namespace

MergeOutcome merge_field(const MergeInput& in) {
  const Field f = in.field;
  if (in.base == nullptr) {
    // A new link: equal values agree, a blank is filled from the other side,
    // two different non-blank values are a conflict.
    if (equivalent(f, in.remote, in.canonical)) {
      return is_blank(in.remote) ? MergeOutcome::unchanged : MergeOutcome::agree;
    }
    if (is_blank(in.remote))
      return MergeOutcome::fill_remote;
    if (is_blank(in.canonical))
      return MergeOutcome::fill_canonical;
    return decide_conflict(in);  // neither side is blank here
  }
  const bool remote_moved = !equivalent(f, in.remote, *in.base);
  const bool canonical_moved = !equivalent(f, in.canonical, *in.base);
  if (!remote_moved) {
    // The collection did not change f; if the person did, the collection is stale.
    return canonical_moved ? MergeOutcome::push : MergeOutcome::unchanged;
  }
  if (!canonical_moved) {
    // Only the collection changed f.
    if (is_blank(in.remote) && !in.blank_overwrites)
      return MergeOutcome::blank_refused;
    return MergeOutcome::adopt;
  }
  if (equivalent(f, in.remote, in.canonical))
    return MergeOutcome::agree;
  return decide_conflict(in);
}

}  // namespace zohosync::mapping
