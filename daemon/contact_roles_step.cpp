#include "daemon/contact_roles_step.hpp"

#include <cctype>
#include <map>

#include "mapping/normalize.hpp"
#include "state/store.hpp"
#include "state/tables.hpp"

namespace zohosync::daemon {

namespace {

std::string comparison_key(const std::string& designation) {
  std::string key = mapping::collapse_whitespace(designation);
  for (char& c : key)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return key;
}

}  // namespace

std::vector<std::string> designations_in_use(state::Store& store) {
  auto txn = store.begin_write();  // Tables needs a write txn; rolled back unchanged
  state::Tables tables(txn, store);
  std::map<std::string, std::string> by_key;
  for (const mapping::PersonRow& person : tables.all_people()) {
    const std::string& title = person.values[mapping::Field::designation];
    std::string key = comparison_key(title);
    if (!key.empty())
      by_key.emplace(std::move(key), mapping::collapse_whitespace(title));
  }
  std::vector<std::string> out;
  out.reserve(by_key.size());
  for (auto& [key, title] : by_key)
    out.push_back(std::move(title));
  return out;
}

std::string designations_key(const std::vector<std::string>& designations) {
  std::string key;
  for (const std::string& d : designations) {
    key += comparison_key(d);
    key += '\n';
  }
  return key;
}

}  // namespace zohosync::daemon
