#include "state/cadence.hpp"

#include "state/codec.hpp"
#include "state/store.hpp"

namespace zohosync::state {

namespace {

constexpr std::string_view kPrefix = "cadence:";
constexpr std::uint8_t kVersion = 1;

}  // namespace

void write_cadence(WriteTxn& txn, const Store& store, std::string_view collection,
                   const Cadence& c) {
  ByteWriter w;
  w.u8(kVersion);
  w.i64_be(c.poll_interval_ms);
  w.i64_be(c.effective_interval_ms);
  w.u64_be(c.parents_read);
  w.u64_be(c.parents_total);
  w.i64_be(c.last_pass_ms);
  w.i64_be(c.pass_remaining_ms);
  w.i64_be(c.updated_ms);
  txn.put(store.db("meta"), std::string(kPrefix) + std::string(collection), w.bytes());
}

std::map<std::string, Cadence> read_cadences(const Txn& txn, const Store& store) {
  std::map<std::string, Cadence> out;
  auto cursor = txn.cursor(store.db("meta"));
  for (auto at = cursor.seek(kPrefix); at && at->first.substr(0, kPrefix.size()) == kPrefix;
       at = cursor.next()) {
    ByteReader r(at->second);
    if (r.u8() != kVersion)
      continue;
    Cadence c;
    c.poll_interval_ms = r.i64_be();
    c.effective_interval_ms = r.i64_be();
    c.parents_read = r.u64_be();
    c.parents_total = r.u64_be();
    c.last_pass_ms = r.i64_be();
    c.pass_remaining_ms = r.i64_be();
    c.updated_ms = r.i64_be();
    if (r.ok())
      out.emplace(std::string(at->first.substr(kPrefix.size())), c);
  }
  return out;
}

}  // namespace zohosync::state
