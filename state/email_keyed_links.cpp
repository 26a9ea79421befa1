#include "state/email_keyed_links.hpp"

#include <unordered_map>
#include <vector>

#include "mapping/collections.hpp"
#include "mapping/normalize.hpp"
#include "state/store.hpp"
#include "state/tables.hpp"

namespace zohosync::state {

namespace {

constexpr std::string_view kContracts = "contracts.counterparty_contacts";

bool email_keyed(std::string_view record_id) {
  return record_id.find('@') != std::string_view::npos;
}

}  // namespace

void mark_email_keyed_links(WriteTxn& txn, const Store& store) {
  Tables tables(txn, store);
  if (tables.link_count(kContracts) == 0)
    return;
  txn.put(store.db("meta"), kMetaEmailKeyedLinks, "1");
  // The next listing is a full one, which shows every contact's id
  // (Contracts lists in full anyway; this holds whatever the cursor said).
  txn.del(store.db("cursors"), kContracts);
}

bool has_email_keyed_links(const Txn& txn, const Store& store) {
  return txn.get(store.db("meta"), kMetaEmailKeyedLinks).has_value();
}

std::size_t rekey_email_keyed_links(WriteTxn& txn, const Store& store, Tables& tables,
                                    const mapping::Observation& listed) {
  if (listed.collection != kContracts || !has_email_keyed_links(txn, store))
    return 0;
  const mapping::CollectionSpec* spec = mapping::find_collection(listed.collection);
  if (spec == nullptr)
    return 0;
  std::unordered_map<std::string, std::string> by_email;  // email -> its link's key
  tables.for_each_link(listed.collection, [&](const mapping::LinkRow& link) {
    if (email_keyed(link.record_id))
      by_email.emplace(mapping::normalize_email(link.record_id), link.record_id);
  });
  std::size_t moved = 0;
  for (const mapping::ObservedRecord& record : listed.records) {
    if (by_email.empty())
      break;
    if (email_keyed(record.id) || tables.link(listed.collection, record.id))
      continue;
    auto email = record.fields.find(spec->email_field());
    if (email == record.fields.end())
      continue;
    auto legacy = by_email.find(mapping::normalize_email(email->second));
    if (legacy == by_email.end())
      continue;
    const std::string old_key = std::move(legacy->second);
    by_email.erase(legacy);
    tables.move_link(listed.collection, old_key, record.id);
    ++moved;
  }
  if (by_email.empty())
    txn.del(store.db("meta"), kMetaEmailKeyedLinks);
  return moved;
}

}  // namespace zohosync::state
