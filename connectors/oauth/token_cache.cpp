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

#include "common/private_file.hpp"

namespace zohosync::connectors::oauth {

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

  write_private_file(file, text, "token cache");
}

}  // namespace zohosync::connectors::oauth
