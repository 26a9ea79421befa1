#include "tests/sandbox/generator.hpp"

#include "tests/sandbox/util.hpp"

#include <boost/json/array.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace zohosync::sandbox {

namespace json = boost::json;

namespace {

constexpr std::array kFirst = {"James",   "Mary",  "Robert", "Patricia",  "John",    "Jennifer",
                               "Michael", "Linda", "David",  "Elizabeth", "William", "Barbara",
                               "Richard", "Susan", "Joseph", "Jessica",   "Thomas",  "Sarah",
                               "Charles", "Karen", "Pedro",  "Alba",      "Brooks",  "Ana",
                               "Yuki",    "Ravi",  "Chen",   "Fatima",    "Olga",    "Noah"};
constexpr std::array kLast = {"Smith",  "Johnson",  "Williams",  "Brown",    "Jones",     "Garcia",
                              "Miller", "Davis",    "Rodriguez", "Martinez", "Hernandez", "Lopez",
                              "Wilson", "Anderson", "Thomas",    "Taylor",   "Moore",     "Jackson",
                              "Martin", "Lee",      "Alonso",    "Flores",   "Charles",   "Tanaka",
                              "Patel",  "Wang",     "Khan",      "Ivanova",  "Walker",    "Young"};
constexpr std::array kCompanyA = {"Bowman",   "Zillum", "Leester",  "Acme",  "Globex", "Initech",
                                  "Umbrella", "Hooli",  "Vandelay", "Stark", "Wayne",  "Tyrell"};
constexpr std::array kCompanyB = {"Furniture", "Labs",    "Logistics", "Foods",  "Systems",
                                  "Partners",  "Trading", "Motors",    "Health", "Media"};
constexpr std::array kTitles = {"Sales Engineer", "Buyer",   "CFO",      "Office Manager",
                                "Developer",      "Analyst", "Director", "Account Manager"};
constexpr std::array kDepartments = {"Sales", "Finance", "Operations", "Engineering", "Support"};
constexpr std::array kSalutations = {"Mr.", "Ms.", "Mrs.", "Dr."};
constexpr std::array kRoles = {"Purchasing",     "Evaluator",         "Technical Buyer",
                               "Decision Maker", "Influencer",        "Executive Sponsor",
                               "Economic Buyer", "Product Management"};

struct person {
  std::string first, last, email, phone, mobile, title, department, salutation;
  bool in[4] = {false, false, false, false};
  int variant_product = -1;    // product index storing a case/whitespace variant of the email
  int duplicate_product = -1;  // product index holding a second record of this person
  bool no_email = false;
};

class rng {
 public:
  explicit rng(std::uint64_t seed) : gen_(seed) {}
  double real() { return std::uniform_real_distribution<double>(0.0, 1.0)(gen_); }
  int between(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(gen_); }
  template <typename A>
  const char* pick(const A& a) {
    return a[static_cast<std::size_t>(between(0, static_cast<int>(a.size()) - 1))];
  }

 private:
  std::mt19937_64 gen_;
};

std::string digits(rng& r, int n) {
  std::string s;
  for (int i = 0; i < n; ++i)
    s += static_cast<char>('0' + r.between(0, 9));
  return s;
}

std::string email_variant(const std::string& email, int kind) {
  if (kind == 0) {  // case variant: capitalised local part
    std::string out = email;
    bool up = true;
    for (char& c : out) {
      if (c == '@')
        break;
      if (up)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      up = (c == '.');
    }
    return out;
  }
  return " " + email + " ";  // whitespace variant
}

std::vector<person> make_people(const generator_options& g, rng& r) {
  std::vector<person> people;
  std::set<std::string> emails;
  people.reserve(static_cast<std::size_t>(std::max(0, g.people)));
  for (int i = 0; i < g.people; ++i) {
    person p;
    p.first = r.pick(kFirst);
    p.last = r.pick(kLast);
    std::string domain = to_lower(std::string(r.pick(kCompanyA)) + r.pick(kCompanyB)) + ".example";
    std::string base = to_lower(p.first) + "." + to_lower(p.last);
    p.email = base + "@" + domain;
    for (int n = 2; !emails.insert(p.email).second; ++n) {
      p.email = base + std::to_string(n) + "@" + domain;
    }
    p.phone = "+1-" + digits(r, 3) + "-555-" + digits(r, 4);
    p.mobile = "+1-" + digits(r, 3) + "-555-" + digits(r, 4);
    p.title = r.pick(kTitles);
    p.department = r.pick(kDepartments);
    p.salutation = r.pick(kSalutations);
    if (r.real() < g.overlap) {
      for (bool& b : p.in)
        b = true;
    } else {
      int count = 0;
      for (bool& b : p.in)
        count += (b = r.real() < 0.5);
      if (count == 0)
        p.in[r.between(0, 3)] = true;
    }
    std::vector<int> mine;
    for (int k = 0; k < 4; ++k) {
      if (p.in[k])
        mine.push_back(k);
    }
    if (r.real() < g.no_email) {
      p.no_email = true;
    } else if (r.real() < g.email_variants) {
      p.variant_product = mine[static_cast<std::size_t>(r.between(0, int(mine.size()) - 1))];
    }
    if (r.real() < g.duplicates) {
      p.duplicate_product = mine[static_cast<std::size_t>(r.between(0, int(mine.size()) - 1))];
    }
    people.push_back(std::move(p));
  }
  return people;
}

std::string email_in(const person& p, int product_index, rng& r) {
  if (p.variant_product == product_index)
    return email_variant(p.email, r.between(0, 1));
  return p.email;
}

std::string company_name(rng& r, int n) {
  return std::string(r.pick(kCompanyA)) + " " + r.pick(kCompanyB) + " " + std::to_string(n);
}

// Times in the past year, created before modified.
std::pair<std::int64_t, std::int64_t> past_times(rng& r, std::int64_t now) {
  std::int64_t created = now - r.between(86400, 365 * 86400);
  std::int64_t modified = std::min(now - 60, created + r.between(0, 90 * 86400));
  return {created, std::max(created, modified)};
}

void gen_inventory(const options& o, const std::vector<person>& people, rng& r, std::int64_t now,
                   inventory_data& d) {
  constexpr int k = static_cast<int>(product::inventory);
  std::string contact_id;
  int left_in_company = 0;
  int company_no = 0;
  bool fresh_company = false;
  auto new_company = [&] {
    auto [created, modified] = past_times(r, now);
    contact_id = d.contact_ids.make();
    std::string name = company_name(r, ++company_no);
    record c;
    c["contact_id"] = contact_id;
    c["contact_name"] = name;
    c["company_name"] = name;
    c["contact_type"] = "customer";
    c["status"] = "active";
    c["created_time"] = format_time(created, time_style::books);
    c["last_modified_time"] = format_time(modified, time_style::books);
    d.contacts[contact_id] = std::move(c);
    left_in_company = r.between(1, 4);
    fresh_company = true;
  };
  auto add_person = [&](const person& p) {
    if (left_in_company == 0)
      new_company();
    --left_in_company;
    bool first_in_company = fresh_company;
    fresh_company = false;
    record cp;
    std::string id = d.person_ids.make();
    cp["contact_id"] = contact_id;
    cp["contact_person_id"] = id;
    cp["salutation"] = p.salutation;
    cp["first_name"] = p.first;
    cp["last_name"] = p.last;
    cp["email"] = p.no_email ? std::string() : email_in(p, k, r);
    cp["phone"] = p.phone;
    cp["mobile"] = p.mobile;
    cp["is_primary_contact"] = first_in_company;
    cp["skype"] = "";
    cp["designation"] = p.title;
    cp["department"] = p.department;
    cp["is_added_in_portal"] = false;
    cp["communication_preference"] = {{"is_sms_enabled", false}, {"is_whatsapp_enabled", false}};
    apply_quirks(o.product_quirks[k], cp);
    d.persons[id] = std::move(cp);
  };
  bool have_current = false;
  for (const auto& p : people) {
    if (!p.in[k])
      continue;
    if (!p.no_email && r.real() < 0.08) {  // a few people are org users, not contact persons
      record u;
      std::string id = d.user_ids.make();
      auto [created, modified] = past_times(r, now);
      u["user_id"] = id;
      u["role_id"] = "982000000006005";
      u["name"] = p.first + " " + p.last;
      u["email"] = email_in(p, k, r);
      u["user_role"] = r.real() < 0.2 ? "admin" : "staff";
      u["user_type"] = "zoho";
      u["status"] = r.real() < 0.9 ? "active" : "inactive";
      u["is_current_user"] = !have_current;
      u["photo_url"] = "";
      u["created_time"] = format_time(created, time_style::date);
      have_current = true;
      apply_quirks(o.product_quirks[k], u);
      d.users[id] = std::move(u);
      continue;
    }
    add_person(p);
    if (p.duplicate_product == k)
      add_person(p);
  }
}

void gen_projects(const options& o, const std::vector<person>& people, rng& r, projects_data& d) {
  constexpr int k = static_cast<int>(product::projects);
  std::vector<std::string> project_ids;
  for (int i = 1; i <= 5; ++i) {
    record pr;
    std::string id = d.project_ids.make();
    pr["id"] = id;
    pr["name"] = "Project " + std::to_string(i);
    d.projects[id] = std::move(pr);
    project_ids.push_back(id);
  }
  std::string client_id;
  int left = 0, company_no = 0;
  std::set<std::string> used;  // email is unique per portal, case-insensitively
  for (const auto& p : people) {
    if (!p.in[k] || p.no_email)
      continue;  // email is mandatory in Projects
    std::string email = email_in(p, k, r);
    if (!used.insert(to_lower(trim(email))).second)
      continue;
    if (left == 0) {
      client_id = d.client_ids.make();
      record c;
      c["id"] = client_id;
      c["name"] = company_name(r, ++company_no);
      d.clients[client_id] = std::move(c);
      left = r.between(1, 5);
    }
    --left;
    record c;
    std::string id = d.contact_ids.make();
    c["id"] = id;
    c["email"] = email;
    c["first_name"] = p.first;
    c["last_name"] = p.last;
    c["invoice_rate"] = std::to_string(r.between(0, 300)) + ".0";
    c["clientId"] = client_id;
    c["crm_contactId"] = "-1";
    c["displayName"] = p.first + " " + p.last;
    json::array projects;
    for (const auto& pid : project_ids) {
      if (r.real() < 0.3)
        projects.push_back(json::value(pid));
    }
    c["projects"] = std::move(projects);
    apply_quirks(o.product_quirks[k], c);
    d.contacts[id] = std::move(c);
  }
  // The portal's own people, in clients of five.
  for (int i = 0; i < o.gen.projects_only; ++i) {
    if (i % 5 == 0) {
      client_id = d.client_ids.make();
      record c;
      c["id"] = client_id;
      c["name"] = company_name(r, ++company_no);
      d.clients[client_id] = std::move(c);
    }
    record c;
    std::string id = d.contact_ids.make();
    const std::string n = std::to_string(i + 1);
    c["id"] = id;
    c["email"] = "portal.member" + n + "@projects-only.example";
    c["first_name"] = "Portal";
    c["last_name"] = "Member " + n;
    c["invoice_rate"] = "0.0";
    c["clientId"] = client_id;
    c["crm_contactId"] = "-1";
    c["displayName"] = "Portal Member " + n;
    c["projects"] = json::array();
    d.contacts[id] = std::move(c);
  }
}

void gen_crm(const options& o, const std::vector<person>& people, rng& r, std::int64_t now,
             crm_data& d) {
  constexpr int k = static_cast<int>(product::crm);
  int seq = 0;
  for (const char* name : kRoles) {
    record role;
    std::string id = d.role_ids.make();
    role["id"] = id;
    role["name"] = name;
    role["sequence_number"] = ++seq;
    d.roles[id] = std::move(role);
  }
  auto add = [&](const person& p) {
    auto [created, modified] = past_times(r, now);
    record c;
    std::string id = d.ids.make();
    c["id"] = id;
    c["Salutation"] = p.salutation;
    c["First_Name"] = p.first;
    c["Last_Name"] = p.last;
    if (p.no_email) {
      c["Email"] = nullptr;
    } else {
      c["Email"] = email_in(p, k, r);
    }
    c["Phone"] = p.phone;
    c["Mobile"] = p.mobile;
    c["Title"] = p.title;
    c["Department"] = p.department;
    c["Skype_ID"] = nullptr;
    c["Created_Time"] = format_time(created, time_style::crm);
    c["Modified_Time"] = format_time(modified, time_style::crm);
    apply_quirks(o.product_quirks[k], c);
    d.contacts[id] = std::move(c);
  };
  for (const auto& p : people) {
    if (!p.in[k])
      continue;
    add(p);
    if (p.duplicate_product == k)
      add(p);
  }
}

void gen_contracts(const options& o, const std::vector<person>& people, rng& r, std::int64_t now,
                   contracts_data& d) {
  constexpr int k = static_cast<int>(product::contracts);
  std::string org;
  std::vector<std::string> orgs;
  int left = 0, company_no = 0;
  auto add = [&](const person& p, const std::string& in_org) {
    auto [created, modified] = past_times(r, now);
    record u;
    std::string id = d.user_ids.make();
    std::string name = p.first + " " + p.last;
    u["id"] = id;
    u["name"] = name;
    u["displayName"] = name;
    u["emailId"] = email_in(p, k, r);
    u["jobTitle"] = p.title;
    u["phoneNumber"] = p.phone;
    u["status"] = r.real() < 0.9 ? "active" : "stopped-processing";
    u["addedBy"] = "Sandbox Admin";
    u["addedTime"] = format_time(created, time_style::crm);
    u["modifiedBy"] = "Sandbox Admin";
    u["modifiedTime"] = format_time(modified, time_style::crm);
    u["organizationApiName"] = in_org;
    apply_quirks(o.product_quirks[k], u);
    d.users[id] = std::move(u);
  };
  for (const auto& p : people) {
    if (!p.in[k] || p.no_email)
      continue;  // the email is the record's URL key
    if (left == 0) {
      std::string name = company_name(r, ++company_no);
      std::string api;
      for (char c : name) {
        if (std::isalnum(static_cast<unsigned char>(c)))
          api += c;
      }
      auto [created, modified] = past_times(r, now);
      record cp;
      cp["id"] = d.counterparty_ids.make();
      cp["name"] = name;
      cp["organizationApiName"] = api;
      cp["counterPartyType"] = "Organization";
      cp["status"] = 1;
      cp["addedTime"] = format_time(created, time_style::crm);
      cp["modifiedTime"] = format_time(modified, time_style::crm);
      d.counterparties[api] = std::move(cp);
      org = api;
      orgs.push_back(api);
      left = r.between(1, 4);
    }
    --left;
    add(p, org);
    if (p.duplicate_product == k && orgs.size() > 1)
      add(p, orgs.front());
  }
}

// One empty company per product with a fixed id, whatever the seed: a
// committed config (config/sandbox.toml) names them as the parents new people
// are created under, the way an admin names a real "New contacts" company.
void add_default_parents(std::int64_t now, store& s) {
  const std::string created = format_time(now - 400 * 86400, time_style::books);
  record contact;
  contact["contact_id"] = std::string(kDefaultInventoryContact);
  contact["contact_name"] = "New People";
  contact["company_name"] = "New People";
  contact["contact_type"] = "customer";
  contact["status"] = "active";
  contact["created_time"] = created;
  contact["last_modified_time"] = created;
  s.inventory.contacts[std::string(kDefaultInventoryContact)] = std::move(contact);

  record client;
  client["id"] = std::string(kDefaultProjectsClient);
  client["name"] = "New People";
  s.projects.clients[std::string(kDefaultProjectsClient)] = std::move(client);

  const std::string crm_created = format_time(now - 400 * 86400, time_style::crm);
  record counterparty;
  counterparty["id"] = "41508680000000001";
  counterparty["name"] = "New People";
  counterparty["organizationApiName"] = std::string(kDefaultContractsCounterparty);
  counterparty["counterPartyType"] = "Organization";
  counterparty["status"] = 1;
  counterparty["addedTime"] = crm_created;
  counterparty["modifiedTime"] = crm_created;
  s.contracts.counterparties[std::string(kDefaultContractsCounterparty)] = std::move(counterparty);
}

}  // namespace

store generate(const options& opts, std::int64_t now) {
  rng r(opts.gen.seed);
  auto people = make_people(opts.gen, r);
  store s;
  // One generator stream per product keeps each product's records stable when
  // another product's generation changes.
  rng ri(opts.gen.seed * 4 + 1), rp(opts.gen.seed * 4 + 2), rc(opts.gen.seed * 4 + 3),
      rk(opts.gen.seed * 4 + 4);
  gen_inventory(opts, people, ri, now, s.inventory);
  gen_projects(opts, people, rp, s.projects);
  gen_crm(opts, people, rc, now, s.crm);
  gen_contracts(opts, people, rk, now, s.contracts);
  add_default_parents(now, s);
  return s;
}

}  // namespace zohosync::sandbox
