#include "state/tables.hpp"

#include <charconv>

#include "mapping/normalize.hpp"
#include "state/codec.hpp"
#include "state/rows.hpp"
#include "state/store.hpp"

namespace zohosync::state {

namespace {

bool has_prefix(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && s.substr(0, prefix.size()) == prefix;
}

// "collection \0 record" -> (collection, record)
std::pair<std::string_view, std::string_view> split_link_key(std::string_view key) {
  auto zero = key.find('\0');
  if (zero == std::string_view::npos)
    return {key, {}};
  return {key.substr(0, zero), key.substr(zero + 1)};
}

}  // namespace

Tables::Tables(WriteTxn& txn, const Store& store)
    : txn_(txn),
      people_(store.db("people")),
      emails_(store.db("emails")),
      links_(store.db("links")),
      person_links_(store.db("person_links")),
      tombstones_(store.db("tombstones")),
      conflicts_(store.db("conflicts")),
      meta_(store.db("meta")),
      touches_(txn, store) {}

std::optional<mapping::PersonRow> Tables::person(mapping::PersonId id) {
  auto bytes = txn_.get(people_, encode_u64_key(id));
  if (!bytes)
    return std::nullopt;
  return decode_person(id, *bytes);
}

void Tables::put_person(const mapping::PersonRow& row) {
  txn_.put(people_, encode_u64_key(row.id), encode_person(row));
}

void Tables::erase_person(mapping::PersonId id) {
  if (auto row = person(id)) {
    const std::string email = mapping::normalize_email(row->values[mapping::Field::email]);
    if (person_by_email(email) == id)
      erase_email(email);
  }
  txn_.del(people_, encode_u64_key(id));
  erase_conflicts_of(id, [](const mapping::ConflictRow&) { return true; });
}

mapping::PersonId Tables::allocate_person_id() {
  if (next_id_ == 0) {
    next_id_ = 1;
    if (auto text = txn_.get(meta_, kMetaPersonNextId)) {
      std::uint64_t value = 0;
      auto [ptr, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
      if (ec != std::errc() || ptr != text->data() + text->size() || value == 0) {
        throw Error(ErrorKind::corrupted, "state: meta person_next_id is not a number");
      }
      next_id_ = value;
    }
  }
  const mapping::PersonId id = next_id_++;
  txn_.put(meta_, kMetaPersonNextId, std::to_string(next_id_));
  return id;
}

std::optional<mapping::PersonId> Tables::person_by_email(std::string_view normalized_email) {
  if (normalized_email.empty())
    return std::nullopt;
  auto bytes = txn_.get(emails_, normalized_email);
  if (!bytes)
    return std::nullopt;
  auto id = decode_u64_key(*bytes);
  if (!id)
    throw Error(ErrorKind::corrupted, "state: an emails entry is not a person id");
  return *id;
}

void Tables::put_email(std::string_view normalized_email, mapping::PersonId id) {
  if (normalized_email.empty())
    return;
  txn_.put(emails_, normalized_email, encode_u64_key(id));
}

void Tables::erase_email(std::string_view normalized_email) {
  if (!normalized_email.empty())
    txn_.del(emails_, normalized_email);
}

std::optional<mapping::LinkRow> Tables::link(std::string_view collection,
                                             std::string_view record_id) {
  auto bytes = txn_.get(links_, link_key(collection, record_id));
  if (!bytes)
    return std::nullopt;
  return decode_link(collection, record_id, *bytes);
}

void Tables::put_link(const mapping::LinkRow& row) {
  const std::string key = link_key(row.collection, row.record_id);
  if (auto old = txn_.get(links_, key)) {
    auto previous = decode_link(row.collection, row.record_id, *old);
    if (previous.person != row.person) {
      txn_.del(person_links_, person_link_key(previous.person, row.collection, row.record_id));
    }
  }
  txn_.put(links_, key, encode_link(row));
  txn_.put(person_links_, person_link_key(row.person, row.collection, row.record_id), {});
  touches_.note(row.collection, row.record_id);
}

void Tables::erase_link(std::string_view collection, std::string_view record_id) {
  const std::string key = link_key(collection, record_id);
  auto old = txn_.get(links_, key);
  if (!old)
    return;
  auto previous = decode_link(collection, record_id, *old);
  txn_.del(person_links_, person_link_key(previous.person, collection, record_id));
  txn_.del(links_, key);
  touches_.note(collection, record_id);
  erase_conflicts_of(previous.person, [&](const mapping::ConflictRow& c) {
    return c.collection == collection && c.record_id == record_id;
  });
}

void Tables::move_link(std::string_view collection, std::string_view from, std::string_view to) {
  auto row = link(collection, from);
  if (!row)
    return;
  // Read before erase_link, which drops the conflicts held on the old key.
  std::vector<mapping::ConflictRow> held;
  for (mapping::ConflictRow& open : conflicts_of(row->person)) {
    if (open.collection == collection && open.record_id == from)
      held.push_back(std::move(open));
  }
  erase_link(collection, from);
  row->record_id = to;
  put_link(*row);
  for (mapping::ConflictRow& open : held) {
    open.record_id = to;
    put_conflict(open);
  }
}

std::vector<mapping::LinkRow> Tables::links_of(mapping::PersonId id) {
  std::vector<std::string> keys;
  {
    const std::string prefix = encode_u64_key(id);
    auto cursor = txn_.cursor(person_links_);
    for (auto at = cursor.seek(prefix); at && has_prefix(at->first, prefix); at = cursor.next()) {
      keys.emplace_back(at->first.substr(prefix.size()));
    }
  }
  std::vector<mapping::LinkRow> out;
  out.reserve(keys.size());
  for (const auto& key : keys) {
    // What follows the person id in the index is the link's own key.
    auto [collection, record] = split_link_key(key);
    if (auto bytes = txn_.get(links_, key))
      out.push_back(decode_link(collection, record, *bytes));
  }
  return out;
}

void Tables::for_each_link(std::string_view collection,
                           const std::function<void(const mapping::LinkRow&)>& fn) {
  // Collect first: fn may write, and LMDB cursors of a write transaction do
  // not survive arbitrary writes in the same database.
  std::vector<mapping::LinkRow> rows;
  {
    const std::string prefix = link_key(collection, {});
    auto cursor = txn_.cursor(links_);
    for (auto at = cursor.seek(prefix); at && has_prefix(at->first, prefix); at = cursor.next()) {
      rows.push_back(decode_link(collection, at->first.substr(prefix.size()), at->second));
    }
  }
  for (const auto& row : rows)
    fn(row);
}

std::optional<mapping::LinkRow> read_link(const Txn& txn, const Store& store,
                                          std::string_view collection, std::string_view record_id) {
  auto bytes = txn.get(store.db("links"), link_key(collection, record_id));
  if (!bytes)
    return std::nullopt;
  return decode_link(collection, record_id, *bytes);
}

bool read_tombstoned(const Txn& txn, const Store& store, std::string_view collection,
                     std::string_view normalized_email) {
  return txn.get(store.db("tombstones"), link_key(collection, normalized_email)).has_value();
}

bool read_person_exists(const Txn& txn, const Store& store, mapping::PersonId person) {
  return txn.get(store.db("people"), encode_u64_key(person)).has_value();
}

bool read_linked_in(const Txn& txn, const Store& store, mapping::PersonId person,
                    std::string_view collection) {
  const std::string prefix = encode_u64_key(person) + link_key(collection, {});
  auto cursor = txn.cursor(store.db("person_links"));
  auto at = cursor.seek(prefix);
  return at && has_prefix(at->first, prefix);
}

void for_each_link(const Txn& txn, const Store& store, std::string_view collection,
                   const std::function<void(const mapping::LinkRow&)>& fn) {
  const std::string prefix = link_key(collection, {});
  auto cursor = txn.cursor(store.db("links"));
  for (auto at = cursor.seek(prefix); at && has_prefix(at->first, prefix); at = cursor.next())
    fn(decode_link(collection, at->first.substr(prefix.size()), at->second));
}

std::size_t Tables::link_count(std::string_view collection) {
  std::size_t n = 0;
  const std::string prefix = link_key(collection, {});
  auto cursor = txn_.cursor(links_);
  for (auto at = cursor.seek(prefix); at && has_prefix(at->first, prefix); at = cursor.next()) {
    ++n;
  }
  return n;
}

std::vector<std::string> Tables::linked_records(std::string_view collection) {
  std::vector<std::string> out;
  const std::string prefix = link_key(collection, {});
  auto cursor = txn_.cursor(links_);
  for (auto at = cursor.seek(prefix); at && has_prefix(at->first, prefix); at = cursor.next())
    out.emplace_back(at->first.substr(prefix.size()));
  return out;
}

bool Tables::tombstoned(std::string_view collection, std::string_view normalized_email) {
  return txn_.get(tombstones_, link_key(collection, normalized_email)).has_value();
}

void Tables::put_tombstone(std::string_view collection, std::string_view normalized_email,
                           std::int64_t time_ms) {
  ByteWriter w;
  w.i64_be(time_ms);
  txn_.put(tombstones_, link_key(collection, normalized_email), w.bytes());
}

void Tables::erase_tombstone(std::string_view collection, std::string_view normalized_email) {
  txn_.del(tombstones_, link_key(collection, normalized_email));
}

bool Tables::conflicts_known_empty() {
  if (!conflicts_empty_) {
    auto cursor = txn_.cursor(conflicts_);
    conflicts_empty_ = !cursor.first().has_value();
  }
  return *conflicts_empty_;
}

std::optional<mapping::ConflictRow> Tables::conflict(mapping::PersonId id, mapping::Field field,
                                                     std::string_view collection) {
  if (conflicts_known_empty())
    return std::nullopt;
  auto bytes = txn_.get(conflicts_, conflict_key(id, field, collection));
  if (!bytes)
    return std::nullopt;
  return decode_conflict(*bytes);
}

std::optional<mapping::ConflictRow> Tables::email_held(std::string_view collection,
                                                       std::string_view normalized_email) {
  if (conflicts_known_empty())
    return std::nullopt;
  auto cursor = txn_.cursor(conflicts_);
  for (auto at = cursor.first(); at; at = cursor.next()) {
    mapping::ConflictRow row = decode_conflict(at->second);
    if (row.field == mapping::Field::email && row.collection == collection &&
        mapping::normalize_email(row.remote_value) == normalized_email)
      return row;
  }
  return std::nullopt;
}

std::vector<mapping::ConflictRow> Tables::conflicts_of(mapping::PersonId id) {
  std::vector<mapping::ConflictRow> out;
  if (conflicts_known_empty())
    return out;
  const std::string prefix = conflict_prefix(id);
  auto cursor = txn_.cursor(conflicts_);
  for (auto at = cursor.seek(prefix); at && has_prefix(at->first, prefix); at = cursor.next())
    out.push_back(decode_conflict(at->second));
  return out;
}

void Tables::put_conflict(const mapping::ConflictRow& row) {
  conflicts_empty_ = false;
  txn_.put(conflicts_, conflict_key(row.person, row.field, row.collection), encode_conflict(row));
}

void Tables::erase_conflict(mapping::PersonId id, mapping::Field field,
                            std::string_view collection) {
  if (conflicts_known_empty())
    return;
  txn_.del(conflicts_, conflict_key(id, field, collection));
}

void Tables::erase_conflicts_of(mapping::PersonId id,
                                const std::function<bool(const mapping::ConflictRow&)>& which) {
  if (conflicts_known_empty())
    return;
  // Collect first: a cursor of a write transaction does not survive deletes.
  std::vector<std::string> keys;
  {
    const std::string prefix = conflict_prefix(id);
    auto cursor = txn_.cursor(conflicts_);
    for (auto at = cursor.seek(prefix); at && has_prefix(at->first, prefix); at = cursor.next()) {
      if (which(decode_conflict(at->second)))
        keys.emplace_back(at->first);
    }
  }
  for (const std::string& key : keys)
    txn_.del(conflicts_, key);
}

std::vector<mapping::PersonRow> Tables::all_people() {
  std::vector<mapping::PersonRow> out;
  auto cursor = txn_.cursor(people_);
  for (auto at = cursor.first(); at; at = cursor.next()) {
    auto id = decode_u64_key(at->first);
    if (!id)
      throw Error(ErrorKind::corrupted, "state: a people key is not a person id");
    out.push_back(decode_person(*id, at->second));
  }
  return out;
}

std::vector<mapping::ConflictRow> Tables::all_conflicts() {
  std::vector<mapping::ConflictRow> out;
  auto cursor = txn_.cursor(conflicts_);
  for (auto at = cursor.first(); at; at = cursor.next())
    out.push_back(decode_conflict(at->second));
  return out;
}

std::string read_cursor(const Txn& txn, const Store& store, std::string_view collection) {
  auto value = txn.get(store.db("cursors"), collection);
  return value ? std::string(*value) : std::string();
}

void write_cursor(WriteTxn& txn, const Store& store, std::string_view collection,
                  std::string_view cursor) {
  txn.put(store.db("cursors"), collection, cursor);
}

namespace {
std::string listed_rules_key(std::string_view collection) {
  return "include_rules/" + std::string(collection);
}
}  // namespace

std::string read_listed_rules(const Txn& txn, const Store& store, std::string_view collection) {
  auto value = txn.get(store.db("meta"), listed_rules_key(collection));
  return value ? std::string(*value) : std::string();
}

void write_listed_rules(WriteTxn& txn, const Store& store, std::string_view collection,
                        std::string_view fingerprint) {
  if (fingerprint.empty())
    txn.del(store.db("meta"), listed_rules_key(collection));
  else
    txn.put(store.db("meta"), listed_rules_key(collection), fingerprint);
}

}  // namespace zohosync::state
