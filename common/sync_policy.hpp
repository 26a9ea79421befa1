#pragma once
// The three policies of a sync, in the words the config file uses: how a field
// changed differently in two places is decided, what a record deleted in one
// product does elsewhere, and which way a field flows between the canonical
// person and a collection. Config parses these words, the planner decides by
// the enums and writes the same words into its reasons: one vocabulary, so the
// two cannot drift apart.
// Enum values are stored on disk (outbox, conflicts): never renumber.

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace zohosync::common {

enum class ConflictPolicy : std::uint8_t {
  newest = 0,    // the later product modified time wins; a tie goes to priority
  priority = 1,  // the collection earlier in the priority list wins
  manual = 2,    // hold the field and record a conflict; other fields keep syncing
};

enum class DeletePolicy : std::uint8_t {
  unlink = 0,     // forget the record, keep the person; a tombstone stops re-creation there
  propagate = 1,  // delete the person's records in the other collections too
  ignore = 2,     // forget the record without a tombstone (a create target gets it back)
};

enum class Direction : std::uint8_t {
  both = 0,          // changes flow in and out
  to_product = 1,    // the product only receives (its own edits are overwritten)
  from_product = 2,  // the product only feeds the person (never written)
  off = 3,           // ignored
};

inline bool reads(Direction d) {
  return d == Direction::both || d == Direction::from_product;
}
inline bool writes(Direction d) {
  return d == Direction::both || d == Direction::to_product;
}

// The config word of a value ("newest", "propagate", "to_product", ...); "?"
// for a number no enumerator has.
std::string_view to_string(ConflictPolicy policy);
std::string_view to_string(DeletePolicy policy);
std::string_view to_string(Direction direction);

// Every config word of E, in enumerator order: the choices a config key offers.
// Defined for the three enums above.
template <class E>
std::span<const std::string_view> words();

// The value a config word names; nullopt for any other word (also ""). Defined
// for the three enums above.
template <class E>
std::optional<E> parse(std::string_view word);

}  // namespace zohosync::common
