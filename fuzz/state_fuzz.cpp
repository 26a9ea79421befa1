// Values read back from LMDB (state/codec.hpp, state/rows.hpp,
// state/journal.hpp). A damaged state dir must give state::Error, never a
// crash, an unbounded allocation or another exception. Every value that
// decodes is also encoded again: decoding that encoding and encoding once more
// must give the same bytes, so what the daemon reads it can write back
// unchanged.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "fuzz/fuzz_input.hpp"
#include "state/codec.hpp"
#include "state/errors.hpp"
#include "state/journal.hpp"
#include "state/rows.hpp"

namespace state = zohosync::state;

namespace {

// encode(decode(encode(value))) == encode(value)
template <typename Decode, typename Encode>
void round_trip(std::string_view bytes, Decode decode, Encode encode) {
  const std::string once = encode(decode(bytes));
  const std::string twice = encode(decode(once));
  if (once != twice)
    std::abort();
}

// Reads fields in the order the input's own bytes choose, until it runs dry.
void read_anything(std::string_view bytes) {
  if (bytes.empty())
    return;
  const auto plan = static_cast<unsigned char>(bytes.front());
  state::ByteReader r(bytes.substr(1));
  for (unsigned step = 0; step < 64 && r.ok() && !r.at_end(); ++step) {
    switch ((plan >> (step % 4 * 2)) & 3) {
      case 0:
        (void)r.u8();
        break;
      case 1:
        (void)r.i64_be();
        break;
      case 2:
        (void)r.varint();
        break;
      case 3:
        (void)r.string();
        break;
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto in = zohosync::fuzz::split(data, size, 7);
  try {
    switch (in.selector) {
      case 0:
        if (auto seq = state::decode_u64_key(in.body)) {
          if (state::encode_u64_key(*seq) != in.body)
            std::abort();
        }
        break;
      case 1:
        round_trip(
            in.body, [](std::string_view b) { return state::decode_person(7, b); },
            [](const auto& row) { return state::encode_person(row); });
        break;
      case 2:
        round_trip(
            in.body, [](std::string_view b) { return state::decode_link("crm.contacts", "1", b); },
            [](const auto& row) { return state::encode_link(row); });
        break;
      case 3:
        round_trip(
            in.body, [](std::string_view b) { return state::decode_conflict(b); },
            [](const auto& row) { return state::encode_conflict(row); });
        break;
      case 4:
        round_trip(
            in.body, [](std::string_view b) { return state::decode_action(b); },
            [](const auto& action) { return state::encode_action(action); });
        break;
      case 5:
        round_trip(
            in.body, [](std::string_view b) { return state::Journal::decode(1, b); },
            [](const auto& entry) { return state::Journal::encode(entry); });
        break;
      case 6:
        read_anything(in.body);
        break;
    }
  } catch (const state::Error&) {
    // A damaged value: the documented outcome.
  }
  return 0;
}
