#pragma once
// Writing a file only its owner may read (a cached access token, a refresh
// token, a client secret): created 0600 whatever the umask, written whole to
// a temporary beside it and renamed over the old one, so a reader sees the old
// contents or the new, never a torn or briefly world-readable file.

#include <filesystem>
#include <string_view>

namespace zohosync {

// Throws std::runtime_error naming `what` ("token cache"), the path and the
// system's reason; never the contents. Creates missing parent directories
// when `create_parents` (0700 for those it makes, as umask allows).
void write_private_file(const std::filesystem::path& file, std::string_view contents,
                        std::string_view what, bool create_parents = true);

}  // namespace zohosync
