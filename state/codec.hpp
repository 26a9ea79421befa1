// Byte encodings for values stored on disk. Everything written with these
// helpers is part of the on-disk format: never change an existing encoding,
// add a new version instead.
//
// - Integers in keys are fixed-width big-endian, so LMDB's bytewise key order
//   is numeric order (journal seq, ...).
// - Records are a sequence of fields written by ByteWriter: u8, big-endian
//   fixed-width integers, unsigned LEB128 varints, and strings as varint
//   length + raw bytes (any bytes, not only UTF-8).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace zohosync::state {

// 8-byte big-endian key for a sequence number.
std::string encode_u64_key(std::uint64_t value);
// The value of an 8-byte big-endian key; std::nullopt when it is not 8 bytes.
std::optional<std::uint64_t> decode_u64_key(std::string_view bytes);

class ByteWriter {
 public:
  void u8(std::uint8_t value) { out_.push_back(static_cast<char>(value)); }
  void u64_be(std::uint64_t value);
  void i64_be(std::int64_t value) { u64_be(static_cast<std::uint64_t>(value)); }
  void varint(std::uint64_t value);
  void string(std::string_view value);

  const std::string& bytes() const { return out_; }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

// Reads what ByteWriter wrote. A read past the end (or an over-long varint)
// marks the reader failed and returns zero / empty; check ok() (and usually
// at_end()) once at the end instead of after every field.
class ByteReader {
 public:
  explicit ByteReader(std::string_view bytes) : in_(bytes) {}

  std::uint8_t u8();
  std::uint64_t u64_be();
  std::int64_t i64_be() { return static_cast<std::int64_t>(u64_be()); }
  std::uint64_t varint();
  std::string string();

  bool ok() const { return ok_; }
  bool at_end() const { return in_.empty(); }

 private:
  std::string_view in_;
  bool ok_ = true;
};

}  // namespace zohosync::state
