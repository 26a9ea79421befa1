#include "tests/crash/world.hpp"

#include <boost/json.hpp>

#include <algorithm>

#include "mapping/normalize.hpp"

namespace zohosync::crash_test {

namespace json = boost::json;

namespace {

// Where each collection sits in the sandbox's dump and how its fields are named.
struct Layout {
  const char* collection;
  const char* product;   // dump key and /__sandbox/edit "product"
  const char* dump_key;  // dump key inside the product and edit "collection"
  const char* id_field;
  const char* email_field;
  const char* first_field;    // nullptr: a full-name collection
  const char* last_field;     // nullptr: a full-name collection
  const char* full_field;     // nullptr: first/last fields
  const char* designation;    // nullptr: not carried
  const char* create_parent;  // nullptr: zohosync does not create people here
};

constexpr Layout kLayouts[] = {
    {"inventory.contact_persons", "inventory", "contact_persons", "contact_person_id", "email",
     "first_name", "last_name", nullptr, "designation", "460000000000001"},
    {"inventory.users", "inventory", "users", "user_id", "email", nullptr, nullptr, "name", nullptr,
     nullptr},
    {"projects.contacts", "projects", "contacts", "id", "email", "first_name", "last_name", nullptr,
     nullptr, "170876000000000001"},
    {"crm.contacts", "crm", "contacts", "id", "Email", "First_Name", "Last_Name", nullptr, "Title",
     ""},
    {"contracts.counterparty_contacts", "contracts", "counterpartyusers", "id", "emailId", nullptr,
     nullptr, "displayName", nullptr, "NewPeople"},
};

const Layout& layout(const std::string& collection) {
  for (const Layout& l : kLayouts) {
    if (collection == l.collection)
      return l;
  }
  return kLayouts[0];
}

std::string text(const json::object& o, const char* key) {
  if (key == nullptr)
    return {};
  auto it = o.find(key);
  if (it == o.end() || !it->value().is_string())
    return {};
  return std::string(it->value().as_string());
}

const json::array& records_of(const json::object& dump, const Layout& l) {
  static const json::array kNone;
  auto p = dump.find(l.product);
  if (p == dump.end() || !p->value().is_object())
    return kNone;
  auto c = p->value().as_object().find(l.dump_key);
  if (c == p->value().as_object().end() || !c->value().is_array())
    return kNone;
  return c->value().as_array();
}

// collection -> normalized email -> the records that carry it.
using ByEmail = std::map<std::string, std::map<std::string, std::vector<const json::object*>>>;

ByEmail index(const json::object& dump) {
  ByEmail out;
  for (const Layout& l : kLayouts) {
    auto& by_email = out[l.collection];
    for (const auto& r : records_of(dump, l)) {
      // An inactive Inventory user is a former account: zohosync links no
      // such user and writes nothing to it, so the harness leaves them out.
      if (l.collection == std::string("inventory.users") &&
          text(r.as_object(), "status") == "inactive")
        continue;
      const std::string email = mapping::normalize_email(text(r.as_object(), l.email_field));
      if (!email.empty())
        by_email[email].push_back(&r.as_object());
    }
  }
  return out;
}

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

}  // namespace

World::World(sandbox::test::session& sandbox, unsigned seed) : sandbox_(sandbox), random_(seed) {
  const json::object dump = sandbox_.dump();
  for (const auto& [collection, by_email] : index(dump)) {
    const Layout& l = layout(collection);
    for (const auto& [email, records] : by_email) {
      if (records.size() > 1)
        baseline_duplicates_.insert(collection + " " + email);
      Person& p = people_[email];
      for (const json::object* r : records) {
        SeenRecord seen{collection, text(*r, l.id_field), text(*r, l.first_field)};
        if (seen.first_name.empty() && l.full_field != nullptr) {
          const std::string full = text(*r, l.full_field);
          seen.first_name = full.substr(0, full.find(' '));
        }
        p.records.push_back(std::move(seen));
      }
      if (collection == std::string("inventory.users"))
        p.in_users = true;
    }
  }
  for (const auto& [email, person] : people_)
    emails_.push_back(email);
}

bool World::post_edit(const std::string& body) {
  auto reply = sandbox_.admin_post("edit", body);
  if (reply.status >= 300) {
    problems_.push_back("the sandbox refused an edit (" + std::to_string(reply.status) +
                        "): " + body + " -> " + reply.body);
    return false;
  }
  return true;
}

EditCounts World::edit(std::size_t updates, std::size_t creates, std::size_t deletes) {
  EditCounts done;
  for (std::size_t i = 0; i < updates; ++i)
    done.updates += update_one() ? 1 : 0;
  for (std::size_t i = 0; i < creates; ++i)
    done.creates += create_one() ? 1 : 0;
  for (std::size_t i = 0; i < deletes; ++i)
    done.deletes += delete_one() ? 1 : 0;
  totals_.updates += done.updates;
  totals_.creates += done.creates;
  totals_.deletes += done.deletes;
  return done;
}

bool World::update_one() {
  for (int attempt = 0; attempt < 50; ++attempt) {
    const std::string& email = emails_[random_() % emails_.size()];
    Person& person = people_[email];
    if (deleted_.count(email) != 0 || person.records.empty())
      continue;
    if (person.home.empty())
      person.home = person.records[random_() % person.records.size()].collection;
    auto record = std::find_if(person.records.begin(), person.records.end(),
                               [&](const SeenRecord& r) { return r.collection == person.home; });
    const Layout& l = layout(person.home);
    Expected& expected = edited_[email];
    expected.first_name = record->first_name;
    json::object fields;
    const std::string value = "Crash" + std::to_string(++serial_);
    if (l.designation != nullptr && random_() % 3 == 0) {
      fields[l.designation] = value;
      expected.designation = value;
    } else if (l.last_field != nullptr) {
      fields[l.last_field] = value;
      expected.last_name = value;
    } else {
      fields[l.full_field] = record->first_name + " " + value;
      expected.last_name = value;
    }
    json::object body{{"product", l.product},
                      {"collection", l.dump_key},
                      {"op", "update"},
                      {"id", record->id},
                      {"fields", std::move(fields)}};
    return post_edit(json::serialize(body));
  }
  return false;
}

bool World::create_one() {
  static constexpr const char* kTargets[] = {"crm.contacts", "projects.contacts",
                                             "inventory.contact_persons",
                                             "contracts.counterparty_contacts"};
  const std::uint64_t n = ++serial_;
  const Layout& l = layout(kTargets[n % 4]);
  const std::string email = "crash.new." + std::to_string(n) + "@example.com";
  const std::string last = "New" + std::to_string(n);
  json::object fields;
  fields[l.email_field] = email;
  if (l.last_field != nullptr) {
    fields[l.first_field] = "Crash";
    fields[l.last_field] = last;
  } else {
    fields[l.full_field] = "Crash " + last;
  }
  json::object body{
      {"product", l.product}, {"collection", l.dump_key}, {"op", "create"}, {"fields", fields}};
  if (l.create_parent != nullptr && *l.create_parent != '\0')
    body["parent"] = l.create_parent;
  if (!post_edit(json::serialize(body)))
    return false;
  created_[email] = last;
  return true;
}

bool World::delete_one() {
  for (int attempt = 0; attempt < 100; ++attempt) {
    const std::string& email = emails_[random_() % emails_.size()];
    Person& person = people_[email];
    // Someone present in at least two products, so that the delete has
    // somewhere to propagate; never an edited person or an Inventory user
    // (zohosync marks a user inactive rather than deleting the account).
    if (!person.home.empty() || person.in_users || deleted_.count(email) != 0 ||
        person.records.size() < 2)
      continue;
    // From any of its records: a person deleted in Inventory contact persons
    // moves its contact's time (--person-bumps-contact), so the next run,
    // whichever process, lists that contact again and sees the person gone.
    // Every other delete is made there when the person has a record there,
    // so that a short run covers it too.
    std::vector<const SeenRecord*> origins;
    for (const SeenRecord& r : person.records) {
      if (deleted_.size() % 2 == 1 || r.collection == "inventory.contact_persons")
        origins.push_back(&r);
    }
    if (origins.empty()) {
      for (const SeenRecord& r : person.records)
        origins.push_back(&r);
    }
    const SeenRecord& record = *origins[random_() % origins.size()];
    const Layout& l = layout(record.collection);
    json::object body{
        {"product", l.product}, {"collection", l.dump_key}, {"op", "delete"}, {"id", record.id}};
    person.home = record.collection;  // never picked for an update afterwards
    if (!post_edit(json::serialize(body)))
      return false;
    deleted_.insert(email);
    if (record.collection == "inventory.contact_persons")
      ++totals_.inventory_person_deletes;
    return true;
  }
  return false;
}

std::vector<std::string> World::check(const json::object& dump) const {
  std::vector<std::string> out;
  const ByEmail by = index(dump);
  auto records = [&](const std::string& collection, const std::string& email) {
    static const std::vector<const json::object*> kNone;
    auto c = by.find(collection);
    if (c == by.end())
      return kNone;
    auto e = c->second.find(email);
    return e == c->second.end() ? kNone : e->second;
  };

  // No person twice in one collection (beyond what the population started with).
  for (const auto& [collection, by_email] : by) {
    for (const auto& [email, rs] : by_email) {
      if (rs.size() > 1 && baseline_duplicates_.count(collection + " " + email) == 0)
        out.push_back("duplicate: " + email + " " + std::to_string(rs.size()) + " times in " +
                      collection);
    }
  }
  // Every edit visible, with its value, wherever the field is carried.
  for (const auto& [email, expected] : edited_) {
    std::size_t seen = 0;
    for (const Layout& l : kLayouts) {
      for (const json::object* r : records(l.collection, email)) {
        ++seen;
        const std::string where = email + " in " + l.collection;
        // The first name is not edited: a last-name edit must leave it as it
        // was (a full name is split back into first and last).
        const std::string first = l.first_field ? text(*r, l.first_field) : text(*r, l.full_field);
        const bool first_ok = l.first_field ? first == expected.first_name
                                            : first.rfind(expected.first_name + " ", 0) == 0;
        if (!first_ok)
          out.push_back("first name of " + where + " is '" + first + "', expected '" +
                        expected.first_name + "'");
        if (!expected.last_name.empty()) {
          const std::string have = l.last_field ? text(*r, l.last_field) : text(*r, l.full_field);
          const bool ok =
              l.last_field ? have == expected.last_name : ends_with(have, " " + expected.last_name);
          if (!ok)
            out.push_back("lost edit: last name of " + where + " is '" + have + "', expected '" +
                          expected.last_name + "'");
        }
        if (!expected.designation.empty() && l.designation != nullptr &&
            text(*r, l.designation) != expected.designation) {
          out.push_back("lost edit: designation of " + where + " is '" + text(*r, l.designation) +
                        "', expected '" + expected.designation + "'");
        }
      }
    }
    if (seen == 0)
      out.push_back("edited person " + email + " is in no product any more");
  }
  // Every created person exactly once in every collection that takes creates.
  for (const auto& [email, last] : created_) {
    for (const Layout& l : kLayouts) {
      if (l.create_parent == nullptr)
        continue;
      const auto rs = records(l.collection, email);
      if (rs.size() != 1)
        out.push_back("created person " + email + " is " + std::to_string(rs.size()) +
                      " times in " + l.collection + " (expected once)");
    }
  }
  // A deleted person is gone everywhere (on_delete = "propagate") and never re-created.
  for (const std::string& email : deleted_) {
    for (const Layout& l : kLayouts) {
      if (!records(l.collection, email).empty())
        out.push_back("deleted person " + email + " is still (or again) in " + l.collection);
    }
  }
  return out;
}

World::Counts World::expected_counts(const json::object& dump) {
  Counts counts;
  std::set<std::string> people;
  for (const auto& [collection, by_email] : index(dump)) {
    counts.links += by_email.size();
    for (const auto& [email, rs] : by_email)
      people.insert(email);
  }
  counts.people = people.size();
  return counts;
}

}  // namespace zohosync::crash_test
