#pragma once
// Small builders for the hostile-data planner tests: three collections (CRM
// read, Inventory contact persons and Contracts as create targets) and
// records as the connectors hand them over.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "mapping/model.hpp"
#include "mapping/planner.hpp"
#include "mapping/settings.hpp"

namespace zohosync::hostile {

inline constexpr const char* kCrm = "crm.contacts";
inline constexpr const char* kInventory = "inventory.contact_persons";
inline constexpr const char* kContracts = "contracts.counterparty_contacts";

inline mapping::SyncSettings three_collections() {
  mapping::SyncSettings s;
  mapping::CollectionSettings crm;
  crm.id = kCrm;
  mapping::CollectionSettings inv;
  inv.id = kInventory;
  inv.create_target = true;
  inv.default_parent_id = "c-1";
  mapping::CollectionSettings contracts;
  contracts.id = kContracts;
  contracts.create_target = true;
  contracts.default_parent_id = "cp-1";
  s.collections = {crm, inv, contracts};
  return s;
}

inline mapping::Observation observe(std::string collection,
                                    std::vector<mapping::ObservedRecord> records) {
  mapping::Observation o;
  o.collection = std::move(collection);
  o.records = std::move(records);
  return o;
}

inline mapping::ObservedRecord crm(std::string id, std::string email, std::string first,
                                   std::string last, std::int64_t modified = 1000) {
  mapping::ObservedRecord r;
  r.id = std::move(id);
  r.fields = {{"Email", std::move(email)},
              {"First_Name", std::move(first)},
              {"Last_Name", std::move(last)}};
  r.modified_ms = modified;
  r.created_ms = modified;
  return r;
}

inline mapping::ObservedRecord inventory(std::string id, std::string email, std::string first,
                                         std::string last, std::int64_t modified = 1000) {
  mapping::ObservedRecord r;
  r.id = std::move(id);
  r.parent_id = "c-1";
  r.fields = {{"email", std::move(email)},
              {"first_name", std::move(first)},
              {"last_name", std::move(last)}};
  r.modified_ms = modified;
  r.created_ms = modified;
  return r;
}

inline std::vector<mapping::Action> of_kind(const std::vector<mapping::Action>& all,
                                            mapping::ActionKind kind) {
  std::vector<mapping::Action> out;
  for (const auto& a : all) {
    if (a.kind == kind)
      out.push_back(a);
  }
  return out;
}

}  // namespace zohosync::hostile
