#include "state/codec.hpp"

namespace zohosync::state {

std::string encode_u64_key(std::uint64_t value) {
  ByteWriter writer;
  writer.u64_be(value);
  return writer.take();
}

std::optional<std::uint64_t> decode_u64_key(std::string_view bytes) {
  if (bytes.size() != 8)
    return std::nullopt;
  ByteReader reader(bytes);
  return reader.u64_be();
}

void ByteWriter::u64_be(std::uint64_t value) {
  for (int shift = 56; shift >= 0; shift -= 8) {
    out_.push_back(static_cast<char>((value >> shift) & 0xff));
  }
}

void ByteWriter::varint(std::uint64_t value) {
  while (value >= 0x80) {
    out_.push_back(static_cast<char>((value & 0x7f) | 0x80));
    value >>= 7;
  }
  out_.push_back(static_cast<char>(value));
}

void ByteWriter::string(std::string_view value) {
  varint(value.size());
  out_.append(value);
}

std::uint8_t ByteReader::u8() {
  if (!ok_ || in_.empty()) {
    ok_ = false;
    return 0;
  }
  auto value = static_cast<std::uint8_t>(in_.front());
  in_.remove_prefix(1);
  return value;
}

std::uint64_t ByteReader::u64_be() {
  if (!ok_ || in_.size() < 8) {
    ok_ = false;
    return 0;
  }
  std::uint64_t value = 0;
  for (int i = 0; i < 8; ++i)
    value = (value << 8) | static_cast<std::uint8_t>(in_[i]);
  in_.remove_prefix(8);
  return value;
}

std::uint64_t ByteReader::varint() {
  std::uint64_t value = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    std::uint8_t byte = u8();
    if (!ok_)
      return 0;
    value |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0)
      return value;
  }
  ok_ = false;  // more than 10 bytes: not something ByteWriter wrote
  return 0;
}

std::string ByteReader::string() {
  std::uint64_t size = varint();
  if (!ok_ || size > in_.size()) {
    ok_ = false;
    return {};
  }
  std::string value(in_.substr(0, size));
  in_.remove_prefix(size);
  return value;
}

}  // namespace zohosync::state
