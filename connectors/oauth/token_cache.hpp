#pragma once
// The access token on disk (state dir), so that a restart does not spend one
// of the ten token requests Zoho allows per ten minutes. The file holds a
// secret: written 0600 through a temporary file and an atomic rename.

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "connectors/oauth/access_token.hpp"

namespace zohosync::connectors::oauth {

// Ties a cached token to the credentials that produced it (a SHA-256 prefix,
// not the secrets): a changed client or refresh token ignores the old file.
std::string credentials_key(std::string_view accounts_url, std::string_view client_id,
                            std::string_view refresh_token);

// nullopt when missing, unreadable, corrupt, for other credentials, or not
// private to its owner (group/other permission bits set).
std::optional<AccessToken> load_token_cache(const std::filesystem::path& file,
                                            std::string_view key);

// Throws std::runtime_error (message without the token) when it cannot write.
void save_token_cache(const std::filesystem::path& file, std::string_view key,
                      const AccessToken& token);

}  // namespace zohosync::connectors::oauth
