#pragma once
// What one observed record means for the person it belongs to: the
// record-level rule, as a table. `decide` is a pure function of the record,
// what the caller read from the state about it (RecordFacts) and the
// settings; the planner applies the decision to the state and reports it.
//
// The record's case, first row that matches:
//
//   the record                                        case            effect
//   ------------------------------------------------  --------------  ---------------------------
//   is linked                                         linked          merged field by field
//   has a blank email                                 no_email        skipped: never matched by
//   name has an email that cannot identify anyone          invalid_email   skipped its email is a
//   person's who already has a         duplicate       neither record is touched
//     record linked in this collection
//   its email is a person's                           matched         linked; merged with no base
//   its email is nobody's                             new_person      a person is made from it
//
// (A record that disappeared is the sixth case, `deleted`: it has no fields
// to decide on, and on_delete says what happens; see the planner's ingest.)
//
// Each field of a linked or matched record, first row that matches
// (merge.hpp decides the value; this table decides what happens around it):
//
//   the field                                         case            link's base    person
//   ------------------------------------------------  --------------  -------------  ------------
//   not carried, direction off, or not in the answer  (not listed)    -              -
//   email, read, and invalid                          invalid_email   kept           kept
//   not read (direction to_product)                   write_only      := remote      kept
//   held by an open conflict, sides still differ      held            kept           kept
//   held by an open conflict, sides agree again       settled         := remote      kept
//   merge takes the remote email, another person's    email_taken     kept           kept (held)
//   merge: changed on both sides, policy manual       conflict_held   kept (new      kept (held)
//                                                                     link: remote)
//   merge takes the remote value                      adopt           := remote      := remote
//   anything else                                     keep            := remote      kept
//
// adopt and keep carry the merge's outcome: a conflict among them (policy
// newest or priority chose a side) is reported as one.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mapping/collections.hpp"
#include "mapping/merge.hpp"
#include "mapping/model.hpp"
#include "mapping/observation.hpp"
#include "mapping/settings.hpp"

namespace zohosync::mapping {

enum class RecordCase : std::uint8_t {
  linked,
  no_email,
  invalid_email,
  duplicate,
  matched,
  new_person,
};
std::string_view to_string(RecordCase c);

enum class FieldCase : std::uint8_t {
  invalid_email,
  write_only,
  held,
  settled,
  email_taken,
  conflict_held,
  adopt,
  keep,
};
std::string_view to_string(FieldCase c);

struct FieldDecision {
  Field field = Field::email;
  FieldCase what = FieldCase::keep;
  MergeOutcome merge = MergeOutcome::unchanged;  // adopt, keep: the merge rule's outcome
};

// What the caller read from the state before deciding. The pointers are the
// caller's and must outlive the call.
struct RecordFacts {
  const LinkRow* link = nullptr;  // the record's link; nullptr: not linked
  // Linked: its person. Not linked: the person the record's email belongs
  // to (nullptr: nobody's).
  const PersonRow* person = nullptr;
  // Not linked: the record of `person` already linked in this collection.
  const LinkRow* linked_sibling = nullptr;
  // Linked or matched: whether an open conflict holds this field of the
  // record, asked for each field read from it.
  std::function<bool(Field)> held;
  // Linked or matched: the person a (normalized) email belongs to, asked
  // only when the merge would take the record's email (nullopt: nobody).
  std::function<std::optional<PersonId>(const std::string&)> email_owner;
};

struct RecordDecision {
  RecordCase what = RecordCase::new_person;
  // The record in canonical form (full names split with the link's base and
  // the person's values as hints).
  FieldValues remote;
  std::string email;          // not linked: the record's email, normalized
  std::string email_problem;  // invalid_email: why it cannot identify anyone
  // linked, matched: the fields read from the record, in field order.
  std::vector<FieldDecision> fields;
};

// The record's email as the email index keys it, "" when it is blank or
// cannot identify anyone: the key the caller looks its person up by before
// deciding.
std::string record_email(const CollectionSpec& spec, const ObservedRecord& record);

RecordDecision decide(const SyncSettings& settings, const CollectionSettings& collection,
                      const CollectionSpec& spec, const ObservedRecord& record,
                      const RecordFacts& facts);

}  // namespace zohosync::mapping
