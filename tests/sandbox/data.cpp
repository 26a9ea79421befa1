#include "tests/sandbox/data.hpp"

#include "tests/sandbox/util.hpp"

#include <boost/json/array.hpp>

#include <cctype>
#include <span>
#include <string_view>

namespace zohosync::sandbox {

namespace json = boost::json;

const char* product_name(product p) {
  switch (p) {
    case product::inventory:
      return "inventory";
    case product::projects:
      return "projects";
    case product::crm:
      return "crm";
    case product::contracts:
      return "contracts";
  }
  return "?";
}

std::string id_source::make() {
  std::string digits = std::to_string(next_++);
  if (static_cast<int>(digits.size()) < width_) {
    digits.insert(0, static_cast<std::size_t>(width_) - digits.size(), '0');
  }
  return prefix_ + digits;
}

namespace {

constexpr std::string_view kEmailKeys[] = {"email", "Email", "emailId"};
constexpr std::string_view kNameKeys[] = {"first_name",  "last_name", "First_Name",  "Last_Name",
                                          "displayName", "name",      "contact_name"};
constexpr std::string_view kPhoneKeys[] = {"phone", "mobile", "Phone", "Mobile", "phoneNumber"};

template <typename F>
void rewrite(record& r, std::span<const std::string_view> keys, F f) {
  for (auto key : keys) {
    auto it = r.find(key);
    if (it != r.end() && it->value().is_string()) {
      it->value() = f(std::string(it->value().as_string()));
    }
  }
}

json::array values_of(const std::map<std::string, record>& m) {
  json::array out;
  for (const auto& [id, r] : m)
    out.push_back(r);
  return out;
}

}  // namespace

std::string format_phone_number(const std::string& raw) {
  std::string digits;
  for (char c : raw) {
    if (std::isdigit(static_cast<unsigned char>(c)))
      digits += c;
  }
  if (digits.size() == 11 && digits[0] == '1') {
    return "+1 (" + digits.substr(1, 3) + ") " + digits.substr(4, 3) + "-" + digits.substr(7);
  }
  if (digits.size() == 10) {
    return "(" + digits.substr(0, 3) + ") " + digits.substr(3, 3) + "-" + digits.substr(6);
  }
  return raw;
}

void apply_quirks(const quirks& q, record& r) {
  if (q.lowercase_email)
    rewrite(r, kEmailKeys, [](const std::string& s) { return to_lower(s); });
  if (q.trim_names) {
    rewrite(r, kNameKeys, [](const std::string& s) {
      // Trim the ends and collapse inner runs of blanks, as a web form does.
      std::string out;
      for (char c : trim(s)) {
        if (c == ' ' && !out.empty() && out.back() == ' ')
          continue;
        out += c;
      }
      return out;
    });
  }
  if (q.format_phone)
    rewrite(r, kPhoneKeys, format_phone_number);
}

json::object store::dump() const {
  json::object out;
  json::object inv;
  inv["contacts"] = values_of(inventory.contacts);
  inv["contact_persons"] = values_of(inventory.persons);
  inv["users"] = values_of(inventory.users);
  out["inventory"] = std::move(inv);
  json::object prj;
  prj["clients"] = values_of(projects.clients);
  prj["contacts"] = values_of(projects.contacts);
  prj["projects"] = values_of(projects.projects);
  out["projects"] = std::move(prj);
  json::object crm_out;
  crm_out["contacts"] = values_of(crm.contacts);
  json::array deleted;
  for (const auto& d : crm.deleted)
    deleted.push_back(d);
  crm_out["deleted"] = std::move(deleted);
  crm_out["roles"] = values_of(crm.roles);
  out["crm"] = std::move(crm_out);
  json::object con;
  con["counterparties"] = values_of(contracts.counterparties);
  con["counterpartyusers"] = values_of(contracts.users);
  out["contracts"] = std::move(con);
  return out;
}

}  // namespace zohosync::sandbox
