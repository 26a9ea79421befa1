#pragma once
// Zoho Inventory v1 collections: `inventory.contact_persons` and
// `inventory.users`. Plain options and factories, so that the runtime builds
// them from its config without knowing how they work inside. Every call
// carries `organization_id`; both collections share one ApiClient (Product
// inventory), which must outlive them.
//
// inventory.contact_persons
// - Inventory gives contact persons no modified time of their own; only their
//   parent contact has `last_modified_time`. Record::modified_ms is therefore
//   the parent contact's last_modified_time and created_ms is 0 (unknown).
//   Record::parent_id is the contact_id.
// - Incremental list: contacts sorted by last_modified_time descending; the
//   persons of every contact newer than the cursor are re-read (one call per
//   contact). Inventory's times have one-second resolution, so the contacts
//   at the newest second already read are read again until a listing begins
//   (by Inventory's Date) in a later second. A no-change cycle therefore costs
//   one call once the previous listing began at least a second after the
//   newest edit, one more per contact of that second otherwise. Every re-read
//   contact is named in Listing::complete_parents: a person linked under it
//   and absent from the listing was deleted (inferred by the engine from its
//   links, so a new process sees the delete too); one listed under another
//   contact in the same listing was moved, not deleted.
// - create and update return the parent contact's last_modified_time as it
//   is after the write, the time the next listing shows: read back (one more
//   call each; create 2 calls, update 3 with the read of the current person)
//   until a read-back shows that the write moved the contact's time to the
//   second of the answer's Date; from then on that second is the time and
//   the read-back is left out (create 1 call, update 2).
// - Person edits that do not move the contact's time (and contacts deleted as a
//   whole) are only seen by a full scan: since == "" or, on its own, when the
//   last full scan is older than full_scan_interval (Listing::full = true).
//   A full scan costs ceil(contacts/200) + contacts calls.
// - sliced_listings (the daemon): a scheduled full scan is spread over polls
//   instead. Each poll lists incrementally as above, then reads whole as many
//   more contacts (in id order, from where the last poll stopped) as the
//   request budget holds without waiting, each named complete, so that a
//   10,000-contact scan never holds back the other products' polls. When the
//   sweep has read every contact, the full scan counts as done at the time
//   it began. The first listing ever still reads everything at once.
// - find_by_email: the contacts list's `email` filter (1 call), then the
//   persons of each matching contact (1 call each); persons this connector
//   already saw in a listing are checked under their own contact too.
//
// inventory.users
// - Fields: "name" and "email" only. The API gives users no modified time:
//   modified_ms = 0 (a newest-wins conflict goes to the other side).
// - Every list is a full listing (no incremental query exists):
//   ceil(users/200) calls, full = true.
// - Inactive users are not listed (unless list_inactive): to the sync an
//   inactive user is a removed one, so remove() marks a user inactive unless
//   allow_delete, and a reactivated user appears again.
// - create() invites (sends e-mail): refused with ErrorClass::configuration
//   unless allow_invite.

#include <chrono>
#include <memory>
#include <string>

#include "connectors/connector.hpp"

namespace zohosync::connectors {

class ApiClient;
class Clock;

struct InventoryContactPersonsOptions {
  std::string organization_id;  // required: sent as ?organization_id= on every call
  // Creates without a parent go under this contact; empty: such creates are a
  // configuration error. Several ids, comma-separated, spread the creates: each
  // goes under the listed contact with the fewest persons. Inventory answers a
  // person write (and the read-back of its contact) with every person of the
  // contact, so under one contact the answers grow with every create.
  std::string default_contact_id;
  // The connector starts a full scan on its own when the last one is older.
  std::chrono::milliseconds full_scan_interval = std::chrono::hours(24);
  // Spread a scheduled full scan over polls, a budget's worth at a time.
  bool sliced_listings = false;
  int per_page = 200;  // Inventory's maximum
  // Calendar time for the full-scan schedule; nullptr: the system clock.
  Clock* clock = nullptr;
  // Give each person its contact's type as the field "contact_type"
  // ("customer" or "vendor", from the contacts list), for include rules.
  bool carry_contact_type = false;
};

struct InventoryUsersOptions {
  std::string organization_id;        // required
  bool allow_invite = false;          // create() sends an invitation e-mail: off unless asked for
  bool allow_delete = false;          // remove() deletes the user; otherwise marks it inactive
  bool list_inactive = false;         // list inactive users as records too
  std::string invite_role = "staff";  // user_role of invited users
  int per_page = 200;
};

std::unique_ptr<Connector> make_inventory_contact_persons(ApiClient& api,
                                                          InventoryContactPersonsOptions options);
std::unique_ptr<Connector> make_inventory_users(ApiClient& api, InventoryUsersOptions options);

}  // namespace zohosync::connectors
