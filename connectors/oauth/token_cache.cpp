#include "connectors/oauth/token_cache.hpp"

#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace zohosync::connectors::oauth {
namespace {

[[noreturn]] void fail(const std::filesystem::path& file, const char* what) {
  throw std::runtime_error(std::string("cannot write token cache ") + file.string() + ": " + what +
                           ": " + std::strerror(errno));
}

}  // namespace

std::string credentials_key(std::string_view accounts_url, std::string_view client_id,
                            std::string_view refresh_token) {
  std::string material;
  for (const auto part : {accounts_url, client_id, refresh_token}) {
    material += std::to_string(part.size());
    material += ':';
    material += part;
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(material.data(), material.size(), digest, &length, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < 16 && i < length; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 0x0F];
  }
  return hex;
}

std::optional<AccessToken> load_token_cache(const std::filesystem::path& file,
                                            std::string_view key) {
  struct stat info {};
  if (::stat(file.c_str(), &info) != 0)
    return std::nullopt;
  // Someone else could have planted or read it: do not trust it.
  if ((info.st_mode & 077) != 0 || info.st_uid != ::geteuid())
    return std::nullopt;
  std::ifstream in(file, std::ios::binary);
  if (!in)
    return std::nullopt;
  std::stringstream text;
  text << in.rdbuf();
  boost::system::error_code ec;
  const auto parsed = boost::json::parse(text.str(), ec);
  const auto* object = !ec ? parsed.if_object() : nullptr;
  if (!object)
    return std::nullopt;
  const auto* stored_key = object->if_contains("key");
  const auto* value = object->if_contains("access_token");
  const auto* expires = object->if_contains("expires_at");
  const auto* domain = object->if_contains("api_domain");
  if (!stored_key || !stored_key->is_string() || stored_key->as_string() != key || !value ||
      !value->is_string() || !expires || !expires->is_int64())
    return std::nullopt;
  AccessToken token;
  token.value = std::string(value->as_string());
  token.expires_at =
      std::chrono::system_clock::time_point(std::chrono::seconds(expires->as_int64()));
  if (domain && domain->is_string())
    token.api_domain = std::string(domain->as_string());
  return token;
}

void save_token_cache(const std::filesystem::path& file, std::string_view key,
                      const AccessToken& token) {
  boost::json::object object;
  object["key"] = key;
  object["access_token"] = token.value;
  object["expires_at"] =
      std::chrono::duration_cast<std::chrono::seconds>(token.expires_at.time_since_epoch()).count();
  object["api_domain"] = token.api_domain;
  const std::string text = boost::json::serialize(object) + "\n";

  if (file.has_parent_path()) {
    std::error_code ec;
    std::filesystem::create_directories(file.parent_path(), ec);
  }
  std::string temporary = file.string() + ".XXXXXX";
  // mkstemp creates the file 0600 whatever the umask.
  const int fd = ::mkstemp(temporary.data());
  if (fd < 0)
    fail(file, "create");
  bool ok = ::fchmod(fd, 0600) == 0;
  std::size_t written = 0;
  while (ok && written < text.size()) {
    const auto n = ::write(fd, text.data() + written, text.size() - written);
    if (n < 0 && errno == EINTR)
      continue;
    ok = n > 0;
    if (ok)
      written += static_cast<std::size_t>(n);
  }
  ok = ok && ::fsync(fd) == 0;
  const int saved_errno = errno;
  ::close(fd);
  if (!ok || ::rename(temporary.c_str(), file.c_str()) != 0) {
    const int error = ok ? errno : saved_errno;
    ::unlink(temporary.c_str());
    errno = error;
    fail(file, "write");
  }
  // The rename itself must survive a crash: sync the directory entry too.
  const auto directory = file.has_parent_path() ? file.parent_path() : std::filesystem::path(".");
  const int dir_fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0) {
    ::fsync(dir_fd);
    ::close(dir_fd);
  }
}

}  // namespace zohosync::connectors::oauth
