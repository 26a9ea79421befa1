#include "tests/support/census.hpp"

#include <boost/json.hpp>
#include <stdexcept>

#include "common/email_address.hpp"

namespace zohosync::support {

namespace json = boost::json;

namespace {

// A field as text; a non-string id (a number) in its JSON form.
std::string text(const json::object& o, const char* key) {
  auto it = o.find(key);
  if (it == o.end())
    return "";
  if (it->value().is_string())
    return std::string(it->value().as_string());
  return json::serialize(it->value());
}

// An email field; "" for none (a product without one stores null).
std::string email_of(const json::object& o, const char* key) {
  auto it = o.find(key);
  if (it == o.end() || !it->value().is_string())
    return "";
  return common::normalize_email(it->value().as_string());
}

}  // namespace

const std::vector<Place>& places() {
  static const std::vector<Place> all = {
      {"inventory.contact_persons", "inventory", "contact_persons", "email", "contact_person_id"},
      {"inventory.users", "inventory", "users", "email", "user_id"},
      {"projects.contacts", "projects", "contacts", "email", "id"},
      {"crm.contacts", "crm", "contacts", "Email", "id"},
      {"contracts.counterparty_contacts", "contracts", "counterpartyusers", "emailId", "id"},
  };
  return all;
}

const Place& place(std::string_view collection) {
  for (const Place& p : places()) {
    if (p.collection == collection)
      return p;
  }
  throw std::invalid_argument("no such collection: " + std::string(collection));
}

std::vector<json::object> records_with(const json::object& dump, const Place& place,
                                       const std::string& email) {
  const std::string wanted = common::normalize_email(email);
  std::vector<json::object> out;
  for (const auto& v : dump.at(place.product).as_object().at(place.list).as_array()) {
    if (email_of(v.as_object(), place.email) == wanted)
      out.push_back(v.as_object());
  }
  return out;
}

const std::vector<std::string>& create_collections() {
  static const std::vector<std::string> ids = {"inventory.contact_persons", "projects.contacts",
                                               "crm.contacts", "contracts.counterparty_contacts"};
  return ids;
}

int Census::count(const std::string& collection, const std::string& email) const {
  auto c = by_collection.find(collection);
  if (c == by_collection.end())
    return 0;
  auto e = c->second.find(common::normalize_email(email));
  return e == c->second.end() ? 0 : e->second;
}

std::size_t Census::with_email(const std::string& collection) const {
  std::size_t n = 0;
  auto c = by_collection.find(collection);
  if (c != by_collection.end()) {
    for (const auto& [email, records] : c->second)
      n += static_cast<std::size_t>(records);
  }
  return n;
}

std::vector<std::string> Census::duplicates() const {
  std::vector<std::string> out;
  for (const auto& [collection, emails] : by_collection) {
    for (const auto& [email, n] : emails) {
      if (n > 1)
        out.push_back(collection + " " + email + " x" + std::to_string(n));
    }
  }
  return out;
}

std::vector<std::string> Census::missing(const std::set<std::string>& people) const {
  std::vector<std::string> out;
  for (const std::string& collection : create_collections()) {
    auto it = by_collection.find(collection);
    for (const std::string& email : people) {
      if (it == by_collection.end() || it->second.count(email) == 0)
        out.push_back(collection + " " + email);
    }
  }
  return out;
}

Census census(const json::object& dump) {
  Census c;
  for (const Place& p : places()) {
    auto& emails = c.by_collection[p.collection];
    const auto& rows = dump.at(p.product).as_object().at(p.list).as_array();
    c.records[p.collection] = rows.size();
    for (const auto& row : rows) {
      const auto& o = row.as_object();
      const std::string email = email_of(o, p.email);
      c.record_ids.insert(std::string(p.collection) + "/" + text(o, p.id));
      if (email.empty())
        continue;
      ++emails[email];
      c.everyone.insert(email);
    }
  }
  return c;
}

}  // namespace zohosync::support
