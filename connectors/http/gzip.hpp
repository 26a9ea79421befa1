#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace zohosync::connectors::http {

// Over zlib directly: Boost.Beast does not decompress bodies, and
// Boost.Iostreams' gzip filter would be one more compiled Boost library for
// this one function, with the size bound still ours to write.
// Decodes a gzip body (RFC 1952, concatenated members allowed). Throws HttpError
// (too_large) once the output would pass `max_output` — a small compressed body
// must not be able to inflate without bound — or (protocol) on corrupt input.
std::string gunzip(std::string_view compressed, std::size_t max_output);

// Encodes with gzip; used by the test server and kept here so both ends agree.
std::string gzip(std::string_view plain);

}  // namespace zohosync::connectors::http
