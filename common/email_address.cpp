#include "common/email_address.hpp"

namespace zohosync::common {

namespace {

// ASCII only, not std::isspace/std::tolower: the key must not depend on the
// process locale, and bytes of a UTF-8 sequence are never whitespace or letters.
bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
char to_lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

}  // namespace

std::string_view displayed_email(std::string_view email) {
  while (!email.empty() && is_space(email.front()))
    email.remove_prefix(1);
  while (!email.empty() && is_space(email.back()))
    email.remove_suffix(1);
  return email;
}

std::string normalize_email(std::string_view email) {
  std::string out(displayed_email(email));
  for (char& c : out)
    c = to_lower(c);
  while (!out.empty() && out.back() == '.')
    out.pop_back();
  return out;
}

}  // namespace zohosync::common
