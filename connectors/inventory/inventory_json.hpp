#pragma once
// Reading Zoho Inventory answers: the {"code":0,"message":..} envelope, pages
// of contacts, contact persons and users, and the write answers. Pure
// functions over the body text (no I/O), so they can be fuzzed.
//
// A page that is not what Inventory sends (not JSON, no list, code != 0) throws
// ConnectorError (transient for an unreadable body, which a retry may cure;
// fatal for a well-formed answer that says something else). One bad row
// inside a page (no id) is skipped and reported in `skipped`; it cannot hide a
// deletion because a row without an id was never linked. Ids come as numbers
// or strings: both are read as strings.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/connector.hpp"

namespace zohosync::connectors::inventory {

// The person fields Record::fields carries (mapping/collections.cpp).
inline constexpr std::string_view kPersonFields[] = {"salutation", "first_name",  "last_name",
                                                     "email",      "phone",       "mobile",
                                                     "skype",      "designation", "department"};

struct Envelope {
  long long code = 0;
  std::string message;
};

// The envelope of any Inventory answer; nullopt when the body is not a JSON
// object with a code.
std::optional<Envelope> parse_envelope(std::string_view body);

// "2026-11-24T18:07:46+0000" (also "+05:30", "Z", or a bare date) -> ms since
// the epoch, as common::IsoReading::inventory reads it; nullopt when unreadable.
std::optional<std::int64_t> parse_inventory_time(std::string_view text);

struct ContactRow {
  std::string contact_id;
  std::int64_t modified_ms = 0;  // last_modified_time
  std::string email;             // the primary person's email, as the list shows it
  std::string contact_type;      // "customer" or "vendor"; "" when the row has none
};

struct ContactsPage {
  std::vector<ContactRow> contacts;
  bool has_more_page = false;
  std::vector<std::string> skipped;  // why each bad row was left out
};

ContactsPage parse_contacts_page(std::string_view body);

// GET /contacts/{id}: the contact's id and last_modified_time (what the
// contacts list shows for it).
ContactRow parse_contact(std::string_view body);

struct PersonRow {
  std::string person_id;
  std::string contact_id;
  Fields fields;  // kPersonFields only; JSON null -> "" (blank), missing -> absent (unknown)
};

struct PersonsPage {
  std::vector<PersonRow> persons;
  bool has_more_page = false;
  std::vector<std::string> skipped;
};

// GET /contacts/{id}/contactpersons
PersonsPage parse_persons_page(std::string_view body);
// GET /contacts/{id}/contactpersons/{person}: {"contact_person": {...}}
PersonRow parse_person(std::string_view body);
// POST/PUT answers: "contact_person" is an array (the written person first,
// then the contact's others) or one object. Returns the written one.
PersonRow parse_person_write(std::string_view body);

struct UserRow {
  std::string user_id;
  std::string name;
  std::string email;
  std::string status;  // active, inactive, invited
  std::string user_role;
};

struct UsersPage {
  std::vector<UserRow> users;
  bool has_more_page = false;
  std::vector<std::string> skipped;
};

// GET /users
UsersPage parse_users_page(std::string_view body);
// GET /users/{id}: {"user": {...}} whose email sits in email_ids[] (the
// selected one) rather than in "email".
UserRow parse_user(std::string_view body);

}  // namespace zohosync::connectors::inventory
