#include "mapping/normalize.hpp"

namespace zohosync::mapping {

namespace {
bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
}  // namespace

std::string_view trim(std::string_view value) {
  while (!value.empty() && is_space(value.front()))
    value.remove_prefix(1);
  while (!value.empty() && is_space(value.back()))
    value.remove_suffix(1);
  return value;
}

std::string collapse_whitespace(std::string_view value) {
  value = trim(value);
  std::string out;
  out.reserve(value.size());
  bool in_space = false;
  for (char c : value) {
    if (is_space(c)) {
      in_space = true;
      continue;
    }
    if (in_space)
      out.push_back(' ');
    in_space = false;
    out.push_back(c);
  }
  return out;
}

std::string email_problem(std::string_view email) {
  email = trim(email);
  if (email.empty())
    return {};
  if (email.size() > 254)
    return "is " + std::to_string(email.size()) + " bytes, longer than an address can be (254)";
  const auto at = email.find('@');
  if (at == std::string_view::npos)
    return "has no '@'";
  if (email.find('@', at + 1) != std::string_view::npos)
    return "has more than one '@'";
  if (at == 0)
    return "has nothing before the '@'";
  std::string_view domain = email.substr(at + 1);
  while (!domain.empty() && domain.back() == '.')
    domain.remove_suffix(1);
  if (domain.empty())
    return "has no domain after the '@'";
  for (char c : email) {
    if (is_space(c) || static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
      return "has whitespace or a control character inside";
  }
  return {};
}

std::string phone_digits(std::string_view phone) {
  std::string out;
  for (char c : phone) {
    if (is_digit(c))
      out.push_back(c);
  }
  if (out.empty())
    return collapse_whitespace(phone);
  return out;
}

bool is_blank(std::string_view value) {
  return trim(value).empty();
}

std::string normalize(Field field, std::string_view value) {
  switch (field) {
    case Field::email:
      return normalize_email(value);
    case Field::phone:
    case Field::mobile:
      return phone_digits(value);
    default:
      return collapse_whitespace(value);
  }
}

bool equivalent(Field field, std::string_view a, std::string_view b) {
  if (a == b)
    return true;
  return normalize(field, a) == normalize(field, b);
}

}  // namespace zohosync::mapping
