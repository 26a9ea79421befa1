// On-disk encodings of the engine's typed rows (people, links, conflicts,
// outbox actions) and their keys. Stored on disk, never change an encoding:
// add a new format version instead. Every value starts with a u8 version (1).
//
//   people       key u64_be person id        value PersonRow
//   emails       key normalized email        value u64_be person id
//   links        key collection \0 record    value LinkRow (without collection/record)
//   person_links key u64_be person, collection \0 record   value empty
//   tombstones   key collection \0 email     value i64_be time_ms
//   conflicts    key u64_be person, u8 field, collection   value ConflictRow
//                (schema 1 keyed it u64_be person, u8 field: one conflict per
//                person and field; conflict_keys.hpp re-keys such rows)
//   outbox       key (see outbox.hpp)        value Action
//   meta         "person_next_id": decimal ASCII, the next person id to assign
#pragma once

#include <string>
#include <string_view>

#include "mapping/model.hpp"

namespace zohosync::state {

inline constexpr std::string_view kMetaPersonNextId = "person_next_id";

std::string link_key(std::string_view collection, std::string_view record_id);
std::string person_link_key(mapping::PersonId person, std::string_view collection,
                            std::string_view record_id);
// One open conflict per (person, field, collection): a person has at most one
// linked record per collection, so the collection names the record held.
std::string conflict_key(mapping::PersonId person, mapping::Field field,
                         std::string_view collection);
// The prefix of every conflict key of `person`.
std::string conflict_prefix(mapping::PersonId person);

std::string encode_person(const mapping::PersonRow& row);
mapping::PersonRow decode_person(mapping::PersonId id, std::string_view bytes);

std::string encode_link(const mapping::LinkRow& row);
mapping::LinkRow decode_link(std::string_view collection, std::string_view record_id,
                             std::string_view bytes);

std::string encode_conflict(const mapping::ConflictRow& row);
mapping::ConflictRow decode_conflict(std::string_view bytes);

std::string encode_action(const mapping::Action& action);
mapping::Action decode_action(std::string_view bytes);

}  // namespace zohosync::state
