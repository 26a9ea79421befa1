#include "common/sync_policy.hpp"

#include <array>
#include <cstddef>
#include <type_traits>

namespace zohosync::common {
namespace {

// Indexed by the enumerator's number.
constexpr std::array<std::string_view, 3> kConflictPolicyWords = {"newest", "priority", "manual"};
constexpr std::array<std::string_view, 3> kDeletePolicyWords = {"unlink", "propagate", "ignore"};
constexpr std::array<std::string_view, 4> kDirectionWords = {"both", "to_product", "from_product",
                                                             "off"};

template <class E>
constexpr std::span<const std::string_view> words_of() {
  if constexpr (std::is_same_v<E, ConflictPolicy>)
    return kConflictPolicyWords;
  else if constexpr (std::is_same_v<E, DeletePolicy>)
    return kDeletePolicyWords;
  else
    return kDirectionWords;
}

template <class E>
std::string_view word_of(E value) {
  const auto all = words_of<E>();
  const auto index = static_cast<std::size_t>(value);
  return index < all.size() ? all[index] : "?";
}

}  // namespace

std::string_view to_string(ConflictPolicy policy) {
  return word_of(policy);
}
std::string_view to_string(DeletePolicy policy) {
  return word_of(policy);
}
std::string_view to_string(Direction direction) {
  return word_of(direction);
}

template <class E>
std::span<const std::string_view> words() {
  return words_of<E>();
}

template <class E>
std::optional<E> parse(std::string_view word) {
  const auto all = words_of<E>();
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (all[i] == word)
      return static_cast<E>(i);
  }
  return std::nullopt;
}

template std::span<const std::string_view> words<ConflictPolicy>();
template std::span<const std::string_view> words<DeletePolicy>();
template std::span<const std::string_view> words<Direction>();
template std::optional<ConflictPolicy> parse<ConflictPolicy>(std::string_view);
template std::optional<DeletePolicy> parse<DeletePolicy>(std::string_view);
template std::optional<Direction> parse<Direction>(std::string_view);

}  // namespace zohosync::common
