#pragma once
// The link a write the product confirmed leaves behind.

#include "mapping/collections.hpp"
#include "mapping/model.hpp"
#include "mapping/observation.hpp"

namespace zohosync::mapping {

// `write` (a create or an update) was answered with `stored`, the record as
// the product now holds it; `previous` is the record's link before the write
// (empty for a create). The base becomes what the product stored, so the
// write's echo is no change on the next listing. An update's answer may also
// hold a field a user edited while the write was on its way: only the fields
// it wrote are taken, the edit stays a change to read. `person_hint` splits
// a stored full name the way the person has it.
LinkRow confirmed_link(const CollectionSpec& spec, const Action& write,
                       const ObservedRecord& stored, LinkRow previous,
                       const FieldValues* person_hint);

}  // namespace zohosync::mapping
