#include "state/collection_health.hpp"

#include <algorithm>

#include "state/codec.hpp"
#include "state/store.hpp"

namespace zohosync::state {
namespace {

constexpr std::string_view kPrefix = "health:";
constexpr std::uint8_t kVersion = 1;
// A reason is for a person to read; a product's whole error page is not.
constexpr std::size_t kMaxError = 500;

std::string encode(const CollectionHealth& h) {
  ByteWriter w;
  w.u8(kVersion);
  w.i64_be(h.last_success_ms);
  w.i64_be(h.last_failure_ms);
  w.string(h.last_error);
  w.i64_be(h.next_poll_ms);
  return w.take();
}

std::optional<CollectionHealth> decode(std::string_view bytes) {
  ByteReader r(bytes);
  if (r.u8() != kVersion)
    return std::nullopt;
  CollectionHealth h;
  h.last_success_ms = r.i64_be();
  h.last_failure_ms = r.i64_be();
  h.last_error = r.string();
  h.next_poll_ms = r.i64_be();
  if (!r.ok())
    return std::nullopt;
  return h;
}

}  // namespace

void record_cycle_outcome(WriteTxn& txn, const Store& store, std::string_view collection,
                          std::int64_t now_ms, std::string_view error, std::int64_t next_poll_ms) {
  const std::string key = std::string(kPrefix) + std::string(collection);
  CollectionHealth health;
  if (auto old = txn.get(store.db("meta"), key)) {
    if (auto decoded = decode(*old))
      health = std::move(*decoded);
  }
  if (error.empty()) {
    health.last_success_ms = now_ms;
  } else {
    health.last_failure_ms = now_ms;
    std::size_t end = std::min(error.size(), kMaxError);
    // Cut at a character, not inside one: the reason ends up in JSON and HTML.
    while (end < error.size() && end > 0 && (static_cast<unsigned char>(error[end]) & 0xC0) == 0x80)
      --end;
    health.last_error = std::string(error.substr(0, end));
  }
  if (next_poll_ms >= 0)
    health.next_poll_ms = next_poll_ms;
  txn.put(store.db("meta"), key, encode(health));
}

std::map<std::string, CollectionHealth> read_collection_health(const Txn& txn, const Store& store) {
  std::map<std::string, CollectionHealth> out;
  auto cursor = txn.cursor(store.db("meta"));
  for (auto at = cursor.seek(kPrefix); at && at->first.substr(0, kPrefix.size()) == kPrefix;
       at = cursor.next()) {
    if (auto health = decode(at->second))
      out.emplace(std::string(at->first.substr(kPrefix.size())), std::move(*health));
  }
  return out;
}

}  // namespace zohosync::state
