#pragma once
// When two spellings are the same email address. The engine's person index,
// the planner and every connector's find_by_email compare by this one key, so
// a record a lookup finds is the record the index means (and the reverse).

#include <string>
#include <string_view>

namespace zohosync::common {

// Trimmed, ASCII lower-cased and without trailing dots ("Ann@X.com." is
// ann@x.com: the root label of a domain names the same host): the key of the
// email index. Bytes outside ASCII (a unicode local part, an IDN domain) are
// compared exactly, and a plus-tag is part of the address: a+tag@x.com and
// a@x.com are two people.
std::string normalize_email(std::string_view email);

// An email as the commands print it: without the white space a product kept
// around it (which would break a column or read as part of the address),
// otherwise as stored. JSON outputs keep the stored value.
std::string_view displayed_email(std::string_view email);

}  // namespace zohosync::common
