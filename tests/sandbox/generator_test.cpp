// The seeded data knobs: overlap, email variants, missing emails, duplicates.
#include "tests/sandbox/test_client.hpp"

#include <doctest/doctest.h>
#include <boost/json/serialize.hpp>

#include <cctype>
#include <map>
#include <set>

using namespace zohosync::sandbox::test;
namespace json = boost::json;

namespace {

std::string norm(const json::value& v) {
  if (!v.is_string())
    return {};
  std::string s(v.as_string());
  std::string out;
  for (char c : s) {
    if (c != ' ')
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

std::multiset<std::string> emails(const json::object& dump, const char* prod, const char* coll,
                                  const char* field) {
  std::multiset<std::string> out;
  for (const auto& r : dump.at(prod).at(coll).as_array()) {
    auto e = norm(r.at(field));
    if (!e.empty())
      out.insert(e);
  }
  return out;
}

}  // namespace

TEST_CASE("generator: full overlap puts every person in every product, without variants") {
  sandbox_process proc({"--people", "150", "--overlap", "1", "--email-variants", "0", "--no-email",
                        "0", "--duplicates", "0"});
  session s(proc.port());
  auto d = s.dump();
  auto crm = emails(d, "crm", "contacts", "Email");
  auto prj = emails(d, "projects", "contacts", "email");
  auto con = emails(d, "contracts", "counterpartyusers", "emailId");
  auto inv = emails(d, "inventory", "contact_persons", "email");
  for (const auto& e : emails(d, "inventory", "users", "email"))
    inv.insert(e);
  CHECK(crm.size() == 150);
  CHECK(prj == crm);
  CHECK(con == crm);
  CHECK(inv == crm);
  for (const auto& r : d.at("crm").at("contacts").as_array()) {
    std::string e(r.at("Email").as_string());
    CHECK(e == norm(r.at("Email")));  // stored lower-case and trimmed
  }
}

TEST_CASE("generator: variants, missing emails and within-product duplicates appear when asked") {
  sandbox_process proc({"--people", "200", "--overlap", "1", "--email-variants", "1", "--no-email",
                        "0", "--duplicates", "1"});
  session s(proc.port());
  auto d = s.dump();
  int variants = 0;
  for (const char* p : {"crm", "projects", "contracts"}) {
    const char* coll = std::string(p) == "contracts" ? "counterpartyusers" : "contacts";
    const char* field = std::string(p) == "crm"        ? "Email"
                        : std::string(p) == "projects" ? "email"
                                                       : "emailId";
    for (const auto& r : d.at(p).at(coll).as_array()) {
      if (r.at(field).is_string() && std::string(r.at(field).as_string()) != norm(r.at(field))) {
        ++variants;
      }
    }
  }
  CHECK(variants > 50);
  auto crm = emails(d, "crm", "contacts", "Email");
  std::set<std::string> unique(crm.begin(), crm.end());
  CHECK(crm.size() > unique.size());  // the same person twice in CRM

  sandbox_process none({"--people", "50", "--no-email", "1"});
  session s2(none.port());
  auto d2 = s2.dump();
  CHECK(emails(d2, "crm", "contacts", "Email").empty());
  CHECK(d2.at("projects").at("contacts").as_array().empty());  // Projects requires an email
  CHECK(d2.at("contracts").at("counterpartyusers").as_array().empty());
}
