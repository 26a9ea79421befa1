#pragma once
// The one place that says when two values are "the same". Everything that
// compares person data (identity, the merge rule, echo detection, the planner's
// "is this target stale?") goes through here, so a product that lower-cases an
// email or reformats a phone number never looks like a change.

#include <string>
#include <string_view>

#include "mapping/fields.hpp"

namespace zohosync::mapping {

// Leading/trailing whitespace removed (ASCII space, tab, CR, LF, FF, VT).
std::string_view trim(std::string_view value);

// Trimmed, inner whitespace runs collapsed to one space.
std::string collapse_whitespace(std::string_view value);

// Trimmed and ASCII lower-cased: the key of the email index.
std::string normalize_email(std::string_view email);

// Only the digits of a phone number; a value without digits falls back to its
// collapsed text so that "n/a" and "" stay different.
std::string phone_digits(std::string_view phone);

bool is_blank(std::string_view value);

// The comparison form of a value of `field`.
std::string normalize(Field field, std::string_view value);

// True when the two values of `field` are the same person data.
bool equivalent(Field field, std::string_view a, std::string_view b);

}  // namespace zohosync::mapping
