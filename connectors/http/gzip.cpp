#include "connectors/http/gzip.hpp"

#include <zlib.h>

#include <array>
#include <memory>

#include "connectors/http/transport.hpp"

namespace zohosync::connectors::http {
namespace {

constexpr int kGzipWindowBits = 15 + 16;  // +16: gzip wrapper instead of zlib's

[[noreturn]] void corrupt(const char* what) {
  throw HttpError(FailureKind::protocol, ErrorClass::transient,
                  std::string("response body is not valid gzip: ") + what);
}

}  // namespace

std::string gunzip(std::string_view compressed, std::size_t max_output) {
  z_stream stream{};
  if (inflateInit2(&stream, kGzipWindowBits) != Z_OK)
    corrupt("inflateInit2 failed");
  const std::unique_ptr<z_stream, int (*)(z_stream*)> guard(&stream, inflateEnd);

  std::string out;
  std::array<char, 16384> chunk;
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  stream.avail_in = static_cast<uInt>(compressed.size());
  while (true) {
    stream.next_out = reinterpret_cast<Bytef*>(chunk.data());
    stream.avail_out = static_cast<uInt>(chunk.size());
    const int rc = inflate(&stream, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR)
      corrupt(stream.msg ? stream.msg : "inflate failed");
    const std::size_t produced = chunk.size() - stream.avail_out;
    if (out.size() + produced > max_output)
      throw HttpError(FailureKind::too_large, ErrorClass::fatal,
                      "decoded response body exceeds " + std::to_string(max_output) + " bytes");
    out.append(chunk.data(), produced);
    if (rc == Z_STREAM_END) {
      if (stream.avail_in == 0)
        return out;
      // Another gzip member follows (allowed by RFC 1952).
      if (inflateReset(&stream) != Z_OK)
        corrupt("inflateReset failed");
      continue;
    }
    if (rc == Z_BUF_ERROR || (produced == 0 && stream.avail_in == 0))
      corrupt("truncated");
  }
}

std::string gzip(std::string_view plain) {
  z_stream stream{};
  if (deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, kGzipWindowBits, 8,
                   Z_DEFAULT_STRATEGY) != Z_OK)
    throw std::runtime_error("deflateInit2 failed");
  const std::unique_ptr<z_stream, int (*)(z_stream*)> guard(&stream, deflateEnd);
  std::string out(deflateBound(&stream, static_cast<uLong>(plain.size())), '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(plain.data()));
  stream.avail_in = static_cast<uInt>(plain.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  if (deflate(&stream, Z_FINISH) != Z_STREAM_END)
    throw std::runtime_error("deflate failed");
  out.resize(stream.total_out);
  return out;
}

}  // namespace zohosync::connectors::http
