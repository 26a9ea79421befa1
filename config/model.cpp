// The Config structs' defaults and the fixed facts about collections.
#include <algorithm>
#include <stdexcept>

#include "config/config.hpp"

namespace zohosync::config {
namespace {

const std::vector<std::string> kAllFields = {"email",       "first_name", "last_name",
                                             "salutation",  "phone",      "mobile",
                                             "designation", "department", "skype"};
// Full-name-only collections carry first/last through one composed name.
const std::vector<std::string> kNameAndEmail = {"email", "first_name", "last_name"};

// The native field names a collection's records carry (mapping/collections.cpp
// names them; a test keeps the two lists equal): what its include rules may
// test. CRM's connector asks for any field a rule names.
// Inventory persons also carry their contact's "contact_type" (customer or
// vendor) when a rule tests it.
const std::vector<std::string> kInventoryPersonFields = {
    "salutation", "first_name", "last_name",   "email",      "phone",
    "mobile",     "skype",      "designation", "department", "contact_type"};
const std::vector<std::string> kInventoryUserFields = {"email", "name"};
const std::vector<std::string> kProjectsContactFields = {"first_name", "last_name", "email"};
const std::vector<std::string> kContractsContactFields = {"emailId", "displayName"};

struct CollectionFacts {
  std::string id;
  Product product;
  const std::vector<std::string>* fields;
  const std::vector<std::string>* rule_fields;  // nullptr: any field
};

const std::vector<CollectionFacts>& facts() {
  static const std::vector<CollectionFacts> kFacts = {
      {"inventory.contact_persons", Product::inventory, &kAllFields, &kInventoryPersonFields},
      {"inventory.users", Product::inventory, &kNameAndEmail, &kInventoryUserFields},
      {"projects.contacts", Product::projects, &kNameAndEmail, &kProjectsContactFields},
      {"crm.contacts", Product::crm, &kAllFields, nullptr},
      {"contracts.counterparty_contacts", Product::contracts, &kNameAndEmail,
       &kContractsContactFields},
  };
  return kFacts;
}

}  // namespace

std::string_view to_string(Product product) {
  switch (product) {
    case Product::inventory:
      return "inventory";
    case Product::projects:
      return "projects";
    case Product::crm:
      return "crm";
    case Product::contracts:
      return "contracts";
  }
  return "?";
}

const std::vector<std::string>& canonical_fields() {
  return kAllFields;
}

const std::vector<std::string>& collection_ids() {
  static const std::vector<std::string> kIds = [] {
    std::vector<std::string> ids;
    for (const auto& f : facts())
      ids.push_back(f.id);
    return ids;
  }();
  return kIds;
}

const std::vector<std::string>& carried_fields(std::string_view collection_id) {
  for (const auto& f : facts()) {
    if (f.id == collection_id)
      return *f.fields;
  }
  static const std::vector<std::string> kNone;
  return kNone;
}

const std::vector<std::string>* rule_fields(std::string_view collection_id) {
  for (const auto& f : facts()) {
    if (f.id == collection_id)
      return f.rule_fields;
  }
  return nullptr;
}

Config::Config() {
  for (const auto& f : facts()) {
    CollectionConfig collection;
    collection.id = f.id;
    collection.product = f.product;
    for (const auto& field : *f.fields)
      collection.fields.emplace(field, Direction::both);
    collections.emplace(f.id, std::move(collection));
  }
}

const CollectionConfig& Config::collection(std::string_view id) const {
  auto it = collections.find(id);
  if (it == collections.end())
    throw std::out_of_range("unknown collection " + std::string(id));
  return it->second;
}

const std::string& Config::api_url(Product product) const {
  switch (product) {
    case Product::inventory:
      return inventory.api_url;
    case Product::projects:
      return projects.api_url;
    case Product::crm:
      return crm.api_url;
    case Product::contracts:
      return contracts.api_url;
  }
  return crm.api_url;
}

bool Config::product_enabled(Product product) const {
  switch (product) {
    case Product::inventory:
      return inventory.enabled;
    case Product::projects:
      return projects.enabled;
    case Product::crm:
      return crm.enabled;
    case Product::contracts:
      return contracts.enabled;
  }
  return false;
}

bool Config::blank_may_clear(std::string_view collection_id, std::string_view field) const {
  if (sync.blank_overwrites)
    return true;
  auto it = collections.find(collection_id);
  if (it == collections.end())
    return false;
  const auto& fields = it->second.blank_overwrite_fields;
  return std::find(fields.begin(), fields.end(), field) != fields.end();
}

std::size_t Config::priority_rank(std::string_view collection_id) const {
  auto it = std::find(sync.priority.begin(), sync.priority.end(), collection_id);
  return static_cast<std::size_t>(it - sync.priority.begin());
}

const RateLimit& HttpConfig::limit(Product product) const {
  switch (product) {
    case Product::inventory:
      return inventory;
    case Product::projects:
      return projects;
    case Product::crm:
      return crm;
    case Product::contracts:
      return contracts;
  }
  return crm;
}

std::string Diagnostic::to_string() const {
  std::string out = file;
  if (line > 0) {
    out += ':' + std::to_string(line);
    if (column > 0)
      out += ':' + std::to_string(column);
  }
  out += severity == Severity::error ? ": error: " : ": warning: ";
  if (!key_path.empty())
    out += key_path + ": ";
  out += message;
  return out;
}

bool LoadResult::ok() const {
  if (!config)
    return false;
  for (const auto& d : diagnostics) {
    if (d.severity == Severity::error)
      return false;
  }
  return true;
}

}  // namespace zohosync::config
