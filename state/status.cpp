#include "state/status.hpp"

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
  return report;
}

}  // namespace zohosync::state
