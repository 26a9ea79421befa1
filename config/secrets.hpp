#pragma once

// Finding the OAuth secrets outside the config file.

#include <string>
#include <string_view>
#include <vector>

#include "config/secret.hpp"

namespace zohosync::config::detail {

struct SecretLookup {
  Secret value;                    // empty when not found or refused
  std::string source;              // "file /etc/zohosync/client_secret", ... ; never the value
  std::string refusal;             // set when a source exists but must not be used
  std::vector<std::string> tried;  // where we looked, for the "not found" message
  // Set when the named file exists but could not be read (and why): with no
  // other source, that is an error even for check-config, whose run would
  // otherwise be refused at start.
  std::string unreadable;
};

// Looks in order at `file` (when set), $CREDENTIALS_DIRECTORY/<credential>
// (systemd LoadCredential=), then the environment variable `env_var`.
// A file that exists but is accessible by group or others is refused, not
// skipped: the user asked for it and it is exposed. A file we may not open
// (e.g. root-owned while the service runs under its own user and gets the same
// secret as a credential) is skipped in favour of the next source.
SecretLookup find_secret(const std::string& file, std::string_view credential,
                         std::string_view env_var);

}  // namespace zohosync::config::detail
