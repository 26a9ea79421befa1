#pragma once
// Selective sync (CollectionSettings::include): which records of a collection
// take part. A record left out is neither a source nor linked; one that stops
// matching is unlinked, never deleted; a person is not created where a record
// left out holds its email. Creates carry the values that make the new record
// match (common::value_for_create), so zohosync's own records are never left out.

#include "mapping/collections.hpp"
#include "mapping/settings.hpp"

namespace zohosync::mapping {

// The first rule of `settings` the record's native fields do not satisfy;
// nullptr when the record takes part.
const common::IncludeRule* failed_rule(const CollectionSettings& settings,
                                       const NativeFields& fields);

// Adds to a create's payload the values its rules ask for, where the payload
// does not already set that field.
void add_create_values(const CollectionSettings& settings, NativeFields& payload);

// Removes from `payload` what add_create_values alone puts there: the rule
// fields that are no person field of the collection (a record found by email
// instead of created matches the rules with values of its own).
void drop_create_values(const CollectionSettings& settings, NativeFields& payload);

}  // namespace zohosync::mapping
