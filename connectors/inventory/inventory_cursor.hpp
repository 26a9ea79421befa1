#pragma once
// The incremental checkpoint of inventory.contact_persons as a short string
// (the engine stores it and shows it in `zohosync status`):
//   "inv1;full=<ms>;newest=<ms>;listed=<ms>;at=<contact_id>,<contact_id>"
// full:   when the last full scan started, on Inventory's clock (the Date of its
//         first answer), for the schedule; a time ahead of Inventory's now (our
//         clock was ahead when an older version wrote it) counts as now;
// newest: the newest contact last_modified_time seen (Inventory's clock);
// listed: when the listing that wrote the cursor began, on Inventory's clock
//         (the Date of its first answer; ours when there was none);
// at:     the contacts already read at exactly `newest`. Inventory times have
//         one-second resolution, so a contact edited later in that same second
//         keeps its time. The next listing skips these ids only when `listed`
//         falls in a later second than `newest`: every read they had came
//         after that second ended, so any later edit carries a later time.
//         Otherwise it reads them again. (A cursor without `listed`, from an
//         older version, reads as listed=0.)

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>

namespace zohosync::connectors::inventory {

struct PersonsCursor {
  std::int64_t full_scan_ms = 0;
  std::int64_t newest_ms = 0;
  std::int64_t listed_ms = 0;
  std::set<std::string> at_newest;
  // A full scan spread over polls (the daemon): begun at sweep_from_ms (0:
  // none under way), every contact whose id orders at or before `swept` read
  // whole ("" before the first).
  std::int64_t sweep_from_ms = 0;
  std::string swept;
};

std::string encode_cursor(const PersonsCursor& cursor);
// nullopt for anything else (an old format, a hand-edited value): the caller
// then scans in full, which is always safe.
std::optional<PersonsCursor> decode_cursor(std::string_view text);

}  // namespace zohosync::connectors::inventory
