#pragma once
// The shape every target shares: the first byte of an input picks the parser
// (modulo the number of parsers of that input kind) and the rest is the text
// it reads. Keeping one target per input kind and switching inside it lets
// one seed corpus exercise every entry point of a file.

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace zohosync::fuzz {

struct Input {
  unsigned selector = 0;
  std::string_view body;
};

// An empty input goes to parser 0 with an empty body: a valid case too.
inline Input split(const std::uint8_t* data, std::size_t size, unsigned parsers) {
  Input in;
  if (size == 0)
    return in;
  in.selector = data[0] % parsers;
  in.body = std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1);
  return in;
}

}  // namespace zohosync::fuzz
