// The in-memory records of the four products. Records are JSON objects in the
// product's own field names, so listing is a projection and the dump is free.
// Ids are fixed-width digit strings: map order is numeric order.
#pragma once

#include "tests/sandbox/field_index.hpp"
#include "tests/sandbox/options.hpp"

#include <boost/json/object.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace zohosync::sandbox {

using record = boost::json::object;

class id_source {
 public:
  id_source(std::string prefix, int width, std::uint64_t first)
      : prefix_(std::move(prefix)), width_(width), next_(first) {}
  std::string make();

 private:
  std::string prefix_;
  int width_;
  std::uint64_t next_;
};

struct inventory_data {
  std::map<std::string, record> contacts;  // contact_id -> contact (company)
  std::map<std::string, record> persons;   // contact_person_id -> person (has contact_id)
  std::map<std::string, record> users;     // user_id -> user (sandbox-internal created_secs)
  field_index persons_by_contact{"contact_id"};
  id_source contact_ids{"46000000", 7, 26049};
  id_source person_ids{"46100000", 7, 26051};
  id_source user_ids{"98200000", 7, 554041};
};

struct projects_data {
  std::map<std::string, record> clients;   // id -> {id, name}
  std::map<std::string, record> contacts;  // id -> contact (has clientId, projects[])
  std::map<std::string, record> projects;  // id -> {id, name}
  field_index contacts_by_client{"clientId"};
  field_index contacts_by_email{"email", true};
  id_source client_ids{"17087600000", 7, 4176039};
  id_source contact_ids{"17087600001", 7, 1703005};
  id_source project_ids{"17087600000", 7, 4885019};
};

struct crm_data {
  std::map<std::string, record> contacts;  // id -> Contacts record
  std::vector<record> deleted;             // Deleted_Record rows, oldest first
  field_index contacts_by_email{"Email", true};
  std::map<std::string, record> roles;  // id -> {id, name, sequence_number}
  id_source ids{"41508680000", 8, 3611011};
  id_source role_ids{"41508680001", 8, 3611011};
};

struct contracts_data {
  std::map<std::string, record> counterparties;  // organizationApiName -> counterparty
  std::map<std::string, record> users;           // id -> counterparty contact
  field_index users_by_counterparty{"organizationApiName"};
  field_index users_by_email{"emailId", true};
  id_source counterparty_ids{"23000000", 8, 100};
  id_source user_ids{"23100000", 8, 100};
};

struct store {
  inventory_data inventory;
  projects_data projects;
  crm_data crm;
  contracts_data contracts;
  // Moves on every admin request (which may change any record): the
  // field indexes rebuild on their next lookup.
  std::uint64_t version = 0;

  boost::json::object dump() const;
};

// The product's normalisation of what it stores (lower-cased email, trimmed
// names, reformatted phones), applied to every write and to seeded data.
void apply_quirks(const quirks& q, record& r);
std::string format_phone_number(const std::string& raw);

}  // namespace zohosync::sandbox
