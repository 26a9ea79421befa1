#include "connectors/oauth/scopes.hpp"

#include <algorithm>
#include <cctype>
#include <iterator>

namespace zohosync::connectors::oauth {
namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

// One granted scope against one needed scope (both lower case).
bool covers(std::string_view granted, std::string_view needed) {
  if (granted == needed)
    return true;
  const auto service_end = needed.find('.');
  const std::string_view service = needed.substr(0, service_end);
  if (granted == std::string(service) + ".fullaccess.all")
    return true;
  // "x.y.all" covers every scope under "x.y.": the family's own operations
  // and the narrower families below it.
  constexpr std::string_view kAll = ".all";
  if (granted.size() > kAll.size() && granted.substr(granted.size() - kAll.size()) == kAll) {
    const std::string_view family = granted.substr(0, granted.size() - kAll.size() + 1);
    return starts_with(needed, family) && needed.size() > family.size();
  }
  return false;
}

}  // namespace

std::vector<std::string> split_scopes(std::string_view text) {
  std::vector<std::string> scopes;
  std::string current;
  for (const char c : text) {
    if (c == ' ' || c == ',' || c == '\t' || c == '\n') {
      if (!current.empty())
        scopes.push_back(std::move(current));
      current.clear();
    } else {
      current += c;
    }
  }
  if (!current.empty())
    scopes.push_back(std::move(current));
  return scopes;
}

bool scopes_cover(const std::vector<std::string>& granted, std::string_view needed) {
  const std::string want = lower(needed);
  const auto covered = [&](std::string_view scope) {
    return std::any_of(granted.begin(), granted.end(),
                       [&](const std::string& g) { return covers(lower(g), scope); });
  };
  if (covered(want))
    return true;
  constexpr std::string_view kAll = ".all";
  if (want.size() <= kAll.size() || want.substr(want.size() - kAll.size()) != kAll)
    return false;
  const std::string family = want.substr(0, want.size() - kAll.size());
  static constexpr const char* kOperations[] = {"read", "create", "update", "delete"};
  return std::all_of(std::begin(kOperations), std::end(kOperations),
                     [&](const char* op) { return covered(family + "." + op); });
}

}  // namespace zohosync::connectors::oauth
