#include "state/rows.hpp"

#include "state/codec.hpp"
#include "state/errors.hpp"

namespace zohosync::state {

namespace {

constexpr std::uint8_t kVersion = 1;

void finish(const ByteReader& r, std::string_view what) {
  if (!r.ok() || !r.at_end()) {
    throw Error(ErrorKind::corrupted, "state: a stored " + std::string(what) +
                                          " row cannot be decoded; the state dir is damaged");
  }
}

void expect_version(ByteReader& r, std::string_view what) {
  if (r.u8() != kVersion) {
    throw Error(ErrorKind::schema_too_new,
                "state: a stored " + std::string(what) + " row has an unknown format version");
  }
}

mapping::Field to_field(std::uint8_t v) {
  if (v >= mapping::kFieldCount) {
    throw Error(ErrorKind::corrupted, "state: a stored row names an unknown field");
  }
  return static_cast<mapping::Field>(v);
}

void put_values(ByteWriter& w, const mapping::FieldValues& values) {
  for (const auto& v : values.values)
    w.string(v);
}
void get_values(ByteReader& r, mapping::FieldValues& values) {
  for (auto& v : values.values)
    v = r.string();
}

}  // namespace

std::string link_key(std::string_view collection, std::string_view record_id) {
  std::string key;
  key.reserve(collection.size() + 1 + record_id.size());
  key.append(collection);
  key.push_back('\0');
  key.append(record_id);
  return key;
}

std::string person_link_key(mapping::PersonId person, std::string_view collection,
                            std::string_view record_id) {
  return encode_u64_key(person) + link_key(collection, record_id);
}

std::string conflict_prefix(mapping::PersonId person) {
  return encode_u64_key(person);
}

std::string conflict_key(mapping::PersonId person, mapping::Field field,
                         std::string_view collection) {
  std::string key = conflict_prefix(person);
  key.push_back(static_cast<char>(mapping::index_of(field)));
  key.append(collection);
  return key;
}

std::string encode_person(const mapping::PersonRow& row) {
  ByteWriter w;
  w.u8(kVersion);
  put_values(w, row.values);
  for (const auto& origin : row.origins) {
    w.i64_be(origin.time_ms);
    w.string(origin.collection);
  }
  w.u8(row.quarantined ? 1 : 0);
  w.varint(row.flips.size());
  for (const auto& flip : row.flips) {
    w.u8(static_cast<std::uint8_t>(flip.field));
    w.i64_be(flip.time_ms);
  }
  return w.take();
}

mapping::PersonRow decode_person(mapping::PersonId id, std::string_view bytes) {
  ByteReader r(bytes);
  expect_version(r, "people");
  mapping::PersonRow row;
  row.id = id;
  get_values(r, row.values);
  for (auto& origin : row.origins) {
    origin.time_ms = r.i64_be();
    origin.collection = r.string();
  }
  row.quarantined = r.u8() != 0;
  const auto flips = r.varint();
  for (std::uint64_t i = 0; i < flips && r.ok(); ++i) {
    mapping::Flip flip;
    flip.field = to_field(r.u8());
    flip.time_ms = r.i64_be();
    row.flips.push_back(flip);
  }
  finish(r, "people");
  return row;
}

std::string encode_link(const mapping::LinkRow& row) {
  ByteWriter w;
  w.u8(kVersion);
  w.u64_be(row.person);
  put_values(w, row.base);
  w.i64_be(row.remote_time);
  w.string(row.parent_id);
  return w.take();
}

mapping::LinkRow decode_link(std::string_view collection, std::string_view record_id,
                             std::string_view bytes) {
  ByteReader r(bytes);
  expect_version(r, "links");
  mapping::LinkRow row;
  row.collection = std::string(collection);
  row.record_id = std::string(record_id);
  row.person = r.u64_be();
  get_values(r, row.base);
  row.remote_time = r.i64_be();
  row.parent_id = r.string();
  finish(r, "links");
  return row;
}

std::string encode_conflict(const mapping::ConflictRow& row) {
  ByteWriter w;
  w.u8(kVersion);
  w.u64_be(row.person);
  w.u8(static_cast<std::uint8_t>(row.field));
  w.string(row.collection);
  w.string(row.record_id);
  w.string(row.remote_value);
  w.string(row.canonical_value);
  w.i64_be(row.remote_time);
  w.i64_be(row.canonical_time);
  w.i64_be(row.opened_ms);
  return w.take();
}

mapping::ConflictRow decode_conflict(std::string_view bytes) {
  ByteReader r(bytes);
  expect_version(r, "conflicts");
  mapping::ConflictRow row;
  row.person = r.u64_be();
  row.field = to_field(r.u8());
  row.collection = r.string();
  row.record_id = r.string();
  row.remote_value = r.string();
  row.canonical_value = r.string();
  row.remote_time = r.i64_be();
  row.canonical_time = r.i64_be();
  row.opened_ms = r.i64_be();
  finish(r, "conflicts");
  return row;
}

std::string encode_action(const mapping::Action& a) {
  ByteWriter w;
  w.u8(kVersion);
  w.u8(static_cast<std::uint8_t>(a.kind));
  w.string(a.collection);
  w.string(a.record_id);
  w.string(a.parent_id);
  w.u64_be(a.person);
  w.string(a.person_email);
  w.string(a.origin_collection);
  w.string(a.origin_record);
  w.varint(a.changes.size());
  for (const auto& c : a.changes) {
    w.u8(static_cast<std::uint8_t>(c.field));
    w.string(c.before);
    w.string(c.after);
  }
  w.varint(a.payload.size());
  for (const auto& [k, v] : a.payload) {
    w.string(k);
    w.string(v);
  }
  w.string(a.reason);
  return w.take();
}

mapping::Action decode_action(std::string_view bytes) {
  ByteReader r(bytes);
  expect_version(r, "outbox");
  mapping::Action a;
  const auto kind = r.u8();
  if (kind > static_cast<std::uint8_t>(mapping::ActionKind::refuse)) {
    throw Error(ErrorKind::corrupted, "state: an outbox entry has an unknown action kind");
  }
  a.kind = static_cast<mapping::ActionKind>(kind);
  a.collection = r.string();
  a.record_id = r.string();
  a.parent_id = r.string();
  a.person = r.u64_be();
  a.person_email = r.string();
  a.origin_collection = r.string();
  a.origin_record = r.string();
  const auto changes = r.varint();
  for (std::uint64_t i = 0; i < changes && r.ok(); ++i) {
    mapping::FieldChange c;
    c.field = to_field(r.u8());
    c.before = r.string();
    c.after = r.string();
    a.changes.push_back(std::move(c));
  }
  const auto payload = r.varint();
  for (std::uint64_t i = 0; i < payload && r.ok(); ++i) {
    std::string k = r.string();
    a.payload[std::move(k)] = r.string();
  }
  a.reason = r.string();
  finish(r, "outbox");
  return a;
}

}  // namespace zohosync::state
