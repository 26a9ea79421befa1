#include "state/status.hpp"

#include "state/rows.hpp"
#include "state/store.hpp"

namespace zohosync::state {

StatusReport read_status(const Store& store) {
  StatusReport report;
  auto txn = store.begin_read();
  report.schema_version = read_schema_version(txn, store.db("meta"));
  for (auto name : kDatabases) {
    report.entries_per_db[std::string(name)] = txn.count(store.db(name));
  }
  {
    auto cursor = txn.cursor(store.db("journal"));
    auto first = cursor.first();
    if (first)
      report.journal_first_seq = decode_u64_key(first->first).value_or(0);
    auto last = cursor.last();
    if (last)
      report.journal_last_seq = decode_u64_key(last->first).value_or(0);
  }
  {
    auto cursor = txn.cursor(store.db("cursors"));
    for (auto at = cursor.first(); at; at = cursor.next()) {
      report.cursors.emplace(std::string(at->first), std::string(at->second));
    }
  }
  report.pending = Outbox::counts(txn, store);
  report.cadences = read_cadences(txn, store);
  report.health = read_collection_health(txn, store);
  {
    // links: key collection \0 record id.
    auto cursor = txn.cursor(store.db("links"));
    for (auto at = cursor.first(); at; at = cursor.next()) {
      const auto end = at->first.find('\0');
      if (end != std::string_view::npos)
        ++report.linked[std::string(at->first.substr(0, end))];
    }
  }
  {
    // conflicts: key u64_be person, u8 field, collection.
    auto cursor = txn.cursor(store.db("conflicts"));
    for (auto at = cursor.first(); at; at = cursor.next()) {
      if (at->first.size() > 9)
        ++report.conflicts[std::string(at->first.substr(9))];
    }
  }
  {
    auto people = txn.cursor(store.db("people"));
    auto person_links = txn.cursor(store.db("person_links"));
    for (auto at = people.first(); at; at = people.next()) {
      const auto id = decode_u64_key(at->first);
      if (!id)
        continue;
      try {
        if (!decode_person(*id, at->second).quarantined)
          continue;
      } catch (const Error&) {
        continue;  // a row status cannot read is the cycle's to report, not status's
      }
      // person_links: key u64_be person, collection \0 record id.
      const std::string prefix(at->first);
      for (auto link = person_links.seek(prefix);
           link && link->first.substr(0, prefix.size()) == prefix; link = person_links.next()) {
        const std::string_view rest = link->first.substr(prefix.size());
        ++report.quarantined[std::string(rest.substr(0, rest.find('\0')))];
      }
    }
  }
  return report;
}

}  // namespace zohosync::state
