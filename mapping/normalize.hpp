#pragma once
// The one place that says when two values are "the same". Everything that
// compares person data (identity, the merge rule, echo detection, the planner's
// "is this target stale?") goes through here, so a product that lower-cases an
// email or reformats a phone number never looks like a change.

#include <string>
#include <string_view>

#include "common/email_address.hpp"
#include "mapping/fields.hpp"

namespace zohosync::mapping {

// Leading/trailing whitespace removed (ASCII space, tab, CR, LF, FF, VT).
std::string_view trim(std::string_view value);

// Trimmed, inner whitespace runs collapsed to one space.
std::string collapse_whitespace(std::string_view value);

// The key of the email index (common/email_address.hpp): the connectors'
// find_by_email compares by the same function, so a lookup finds exactly the
// records the index puts under one person.
using common::normalize_email;

// Why `email` cannot identify a person ("" when it can): a non-blank value
// that, trimmed, has not exactly one '@', an empty local part or domain,
// whitespace or a control character inside, or more than 254 bytes (RFC 5321).
// Such a record is skipped with this reason rather than made a person.
std::string email_problem(std::string_view email);

// Only the digits of a phone number; a value without digits falls back to its
// collapsed text so that "n/a" and "" stay different.
std::string phone_digits(std::string_view phone);

bool is_blank(std::string_view value);

// The comparison form of a value of `field`.
std::string normalize(Field field, std::string_view value);

// True when the two values of `field` are the same person data.
bool equivalent(Field field, std::string_view a, std::string_view b);

}  // namespace zohosync::mapping
