#include "tests/engine/world.hpp"

#include <cstdlib>
#include <set>
#include <sstream>
#include <tuple>

#include "mapping/collections.hpp"
#include "mapping/normalize.hpp"
#include "state/tables.hpp"

namespace zohosync::testing {

mapping::SyncSettings default_settings() {
  mapping::SyncSettings s;
  for (const auto& id : kAll) {
    mapping::CollectionSettings c;
    c.id = id;
    c.create_target = id != kInvUsers;
    if (id == kInvPersons)
      c.default_parent_id = "contact-1";
    if (id == kProjects)
      c.default_parent_id = "client-1";
    if (id == kContracts)
      c.default_parent_id = "counterparty-1";
    s.collections.push_back(c);
  }
  s.priority = {kCrm, kInvPersons, kProjects, kContracts, kInvUsers};
  return s;
}

connectors::MemoryOptions memory_options(const std::string& collection) {
  connectors::MemoryOptions o;
  o.collection = collection;
  if (collection == kCrm) {
    o.email_field = "Email";
    o.phone_fields = {"Phone", "Mobile"};
  } else if (collection == kContracts) {
    o.email_field = "emailId";
  } else if (collection == kInvPersons) {
    o.phone_fields = {"phone", "mobile"};
  }
  return o;
}

World::World(mapping::SyncSettings settings,
             const std::function<void(connectors::MemoryOptions&)>& tweak)
    : settings_(std::move(settings)) {
  std::string tmpl = (std::filesystem::temp_directory_path() / "zohosync-engine-XXXXXX").string();
  if (mkdtemp(tmpl.data()) == nullptr)
    throw std::runtime_error("mkdtemp failed");
  dir_ = tmpl;
  for (const auto& id : kAll) {
    auto options = memory_options(id);
    if (tweak)
      tweak(options);
    products_[id] = std::make_unique<connectors::MemoryConnector>(options);
  }
  open();
}

World::~World() {
  engine_.reset();
  store_.reset();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

void World::open() {
  engine_.reset();
  store_.reset();
  state::OpenOptions options;
  options.map_size = 256ull << 20;
  store_.emplace(state::Store::open((dir_ / "state").string(), options));
  std::vector<connectors::Connector*> conns;
  for (auto& [id, p] : products_)
    conns.push_back(p.get());
  engine_ = std::make_unique<daemon::Engine>(*store_, settings_, conns);
}

void World::restart() {
  open();
}

void World::while_stopped(const std::function<void(const std::string& state_dir)>& fn) {
  engine_.reset();
  store_.reset();
  fn((dir_ / "state").string());
  open();
}

void World::set_settings(mapping::SyncSettings settings) {
  settings_ = std::move(settings);
  open();
}

connectors::MemoryConnector& World::product(const std::string& collection) {
  return *products_.at(collection);
}

daemon::CycleReport World::run(daemon::CycleOptions options) {
  if (options.now_ms == 0)
    options.now_ms = now_ms;
  now_ms += 60'000;
  return engine_->run_cycle_blocking(std::move(options));
}

std::string World::add(const std::string& collection, const std::string& email,
                       const std::string& first, const std::string& last,
                       std::map<std::string, std::string> extra) {
  connectors::Record r;
  const mapping::CollectionSpec* spec = mapping::find_collection(collection);
  mapping::FieldValues v;
  v[mapping::Field::email] = email;
  v[mapping::Field::first_name] = first;
  v[mapping::Field::last_name] = last;
  for (const auto& nf : spec->fields) {
    if (!v[nf.field].empty())
      r.fields[std::string(nf.name)] = v[nf.field];
  }
  if (!spec->full_name_field.empty()) {
    r.fields[std::string(spec->full_name_field)] = mapping::compose_full_name(first, last);
  }
  for (auto& [k, val] : extra)
    r.fields[k] = val;
  return product(collection).put(std::move(r));
}

std::vector<mapping::PersonRow> World::people() {
  auto txn = store_->begin_write();  // rolled back: Tables reads through a write txn
  state::Tables t(txn, *store_);
  return t.all_people();
}

std::vector<mapping::LinkRow> World::links() {
  std::vector<mapping::LinkRow> out;
  auto txn = store_->begin_write();
  state::Tables t(txn, *store_);
  for (const auto& id : kAll)
    t.for_each_link(id, [&](const mapping::LinkRow& l) { out.push_back(l); });
  return out;
}

std::vector<mapping::ConflictRow> World::conflicts() {
  auto txn = store_->begin_write();
  state::Tables t(txn, *store_);
  return t.all_conflicts();
}

std::optional<mapping::PersonRow> World::person_by_email(const std::string& email) {
  auto txn = store_->begin_write();
  state::Tables t(txn, *store_);
  auto id = t.person_by_email(mapping::normalize_email(email));
  if (!id)
    return std::nullopt;
  return t.person(*id);
}

std::size_t World::outbox_size() {
  auto txn = store_->begin_read();
  return txn.count(store_->db("outbox"));
}

std::vector<state::JournalEntry> World::journal() {
  auto txn = store_->begin_read();
  return state::Journal::read(txn, *store_, 1, 0);
}

std::size_t World::total_writes() const {
  std::size_t n = 0;
  for (const auto& [id, p] : products_)
    n += p->writes();
  return n;
}

std::size_t World::total_violations() const {
  std::size_t n = 0;
  for (const auto& [id, p] : products_)
    n += p->violations();
  return n;
}

void World::reset_counters() {
  for (auto& [id, p] : products_)
    p->reset_counters();
}

void World::forbid_writes(bool forbid) {
  for (auto& [id, p] : products_) {
    for (auto op : {connectors::Op::create, connectors::Op::update, connectors::Op::remove}) {
      if (forbid) {
        p->forbid(op);
      } else {
        p->allow(op);
      }
    }
  }
}

std::vector<std::string> disagreements(World& world) {
  std::vector<std::string> problems;
  const auto people = world.people();
  std::map<mapping::PersonId, const mapping::PersonRow*> by_id;
  for (const auto& p : people)
    by_id[p.id] = &p;
  const auto links = world.links();
  std::set<std::pair<std::string, std::string>> linked;
  for (const auto& link : links)
    linked.insert({link.collection, link.record_id});
  // A conflict is held on one record: (person, field, collection, record).
  std::set<std::tuple<mapping::PersonId, mapping::Field, std::string, std::string>> held;
  for (const auto& c : world.conflicts()) {
    held.insert({c.person, c.field, c.collection, c.record_id});
    if (!linked.count({c.collection, c.record_id})) {
      problems.push_back(c.collection + "/" + c.record_id + " p" + std::to_string(c.person) +
                         ": a conflict on " + std::string(mapping::field_name(c.field)) +
                         " is open for a record that is not linked");
    }
  }
  for (const auto& link : links) {
    const auto* spec = mapping::find_collection(link.collection);
    auto record = world.product(link.collection).get(link.record_id);
    if (!record) {
      problems.push_back(link.collection + "/" + link.record_id + ": linked but missing");
      continue;
    }
    auto it = by_id.find(link.person);
    if (it == by_id.end()) {
      problems.push_back(link.collection + "/" + link.record_id + ": person missing");
      continue;
    }
    const mapping::PersonRow& person = *it->second;
    auto is_held = [&](mapping::Field f) {
      return held.count({person.id, f, link.collection, link.record_id}) != 0;
    };
    const bool full_name = !spec->full_name_field.empty();
    if (full_name && !is_held(mapping::Field::first_name) && !is_held(mapping::Field::last_name)) {
      // One display name: compared whole (how it splits is the product's
      // business); a person without any name leaves it alone.
      const std::string want = mapping::compose_full_name(person.values[mapping::Field::first_name],
                                                          person.values[mapping::Field::last_name]);
      const std::string have =
          mapping::collapse_whitespace(record->fields[std::string(spec->full_name_field)]);
      if (!want.empty() && have != want) {
        problems.push_back(link.collection + "/" + link.record_id + " p" +
                           std::to_string(person.id) + ": name '" + have + "' vs '" + want + "'");
      }
    }
    mapping::FieldValues remote = mapping::project(*spec, record->fields, &person.values);
    for (mapping::Field f : mapping::kAllFields) {
      if (!spec->carries(f) || is_held(f))
        continue;
      if (full_name && (f == mapping::Field::first_name || f == mapping::Field::last_name))
        continue;  // compared above
      if (mapping::is_blank(person.values[f]))
        continue;  // blanks never overwrite
      if (!mapping::equivalent(f, remote[f], person.values[f])) {
        problems.push_back(link.collection + "/" + link.record_id + " p" +
                           std::to_string(person.id) + ": " + std::string(mapping::field_name(f)) +
                           " '" + remote[f] + "' vs '" + person.values[f] + "'");
      }
    }
  }
  return problems;
}

std::vector<std::string> unreported_records(World& world, const daemon::CycleReport& full) {
  std::vector<std::string> problems;
  std::set<std::pair<std::string, std::string>> accounted;
  for (const auto& link : world.links())
    accounted.insert({link.collection, link.record_id});
  for (const auto& a : full.actions) {
    if (a.kind == mapping::ActionKind::duplicate || a.kind == mapping::ActionKind::skip)
      accounted.insert({a.collection, a.record_id});
  }
  for (const auto& id : kAll) {
    const auto* spec = mapping::find_collection(id);
    for (const auto& [rid, r] : world.product(id).records()) {
      auto e = r.fields.find(std::string(spec->email_field()));
      if (e == r.fields.end() || mapping::is_blank(e->second) || accounted.count({id, rid}))
        continue;
      problems.push_back(id + "/" + rid + " '" + e->second +
                         "': neither linked nor reported as a duplicate");
    }
  }
  return problems;
}

std::string dump_products(World& world) {
  std::ostringstream out;
  for (const auto& id : kAll) {
    // Keyed by email so that record ids (which differ between runs) do not matter.
    std::map<std::string, std::string> rows;
    const auto* spec = mapping::find_collection(id);
    for (const auto& [rid, r] : world.product(id).records()) {
      std::string line;
      for (const auto& [k, v] : r.fields)
        line += k + "=" + v + ";";
      auto e = r.fields.find(std::string(spec->email_field()));
      rows[(e == r.fields.end() ? rid : mapping::normalize_email(e->second)) + "#" + line] = line;
    }
    out << id << "\n";
    for (const auto& [k, line] : rows)
      out << "  " << line << "\n";
  }
  return out.str();
}

}  // namespace zohosync::testing
