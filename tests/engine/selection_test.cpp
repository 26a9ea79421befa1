// Selective sync through the engine and the state: rules added to a running
// setup take effect at the next daemon cycle (its listing is a full one, so
// the records they leave out are seen), and a create whose lookup meets a
// record the rules leave out neither links nor writes it.
#include <doctest/doctest.h>

#include "mapping/normalize.hpp"
#include "tests/engine/world.hpp"

using namespace zohosync;
using namespace zohosync::testing;
using connectors::Op;

namespace {

common::IncludeRule rule(std::string_view text) {
  auto parsed = common::parse_include_rule(text);
  REQUIRE(parsed.rule.has_value());
  return *parsed.rule;
}

mapping::SyncSettings customers_only(mapping::SyncSettings s) {
  for (auto& c : s.collections) {
    if (c.id == kCrm)
      c.include = {rule("Contact_Type = Customer")};
  }
  return s;
}

std::size_t holding(World& w, const std::string& collection, const std::string& email) {
  const auto* spec = mapping::find_collection(collection);
  std::size_t n = 0;
  for (const auto& [id, r] : w.product(collection).records()) {
    auto it = r.fields.find(std::string(spec->email_field()));
    n += it != r.fields.end() && mapping::normalize_email(it->second) == email ? 1 : 0;
  }
  return n;
}

bool linked(World& w, const std::string& collection, const std::string& record_id) {
  for (const auto& link : w.links()) {
    if (link.collection == collection && link.record_id == record_id)
      return true;
  }
  return false;
}

}  // namespace

TEST_CASE("rules added later: the next cycle lists in full and unlinks a lead, deleting nothing") {
  mapping::SyncSettings s = default_settings();
  s.on_delete = mapping::OnDelete::propagate;
  World w(s);
  const std::string lead = w.add(kCrm, "lead@x.com", "Lea", "Lead", {{"Contact_Type", "Lead"}});
  w.add(kCrm, "cust@x.com", "Cus", "Tomer", {{"Contact_Type", "Customer"}});
  REQUIRE(w.run().ok());
  REQUIRE(holding(w, kInvPersons, "lead@x.com") == 1);
  REQUIRE(linked(w, kCrm, lead));
  // Two daemon cycles: the cursors have moved past every record.
  REQUIRE(w.run().planned_writes == 0);

  w.set_settings(customers_only(s));
  w.reset_counters();
  daemon::CycleOptions options;
  options.keep_actions = true;
  const daemon::CycleReport report = w.run(options);
  CHECK(report.ok());
  CHECK_FALSE(linked(w, kCrm, lead));
  bool said = false;
  for (const auto& a : report.actions) {
    said = said || (a.kind == mapping::ActionKind::unlink && a.record_id == lead &&
                    a.reason.find("Contact_Type = Customer") != std::string::npos);
  }
  CHECK(said);
  // Nothing deleted, nothing created again: the lead stays where it was.
  for (const auto& id : kAll) {
    CAPTURE(id);
    CHECK(w.product(id).calls(Op::remove) == 0);
    CHECK(w.product(id).calls(Op::create) == 0);
  }
  CHECK(holding(w, kCrm, "lead@x.com") == 1);
  CHECK(holding(w, kInvPersons, "lead@x.com") == 1);
  CHECK(w.person_by_email("lead@x.com").has_value());
  CHECK(w.run().planned_writes == 0);
  CHECK(w.total_writes() == 0);
}

TEST_CASE("a create whose lookup finds a record the rules leave out neither links nor writes it") {
  bool upsert = false;
  // CRM's create is an upsert by email: with rules, it looks first all the same.
  SUBCASE("a plain create") {
    upsert = false;
  }
  SUBCASE("an upsert by email") {
    upsert = true;
  }
  World w(customers_only(default_settings()), [upsert](connectors::MemoryOptions& o) {
    if (o.collection == kCrm)
      o.create_matches_email = upsert;
  });
  // CRM refuses creates for now: the create waits in the outbox.
  w.product(kCrm).fail_op(Op::create, connectors::ErrorClass::transient, 100);
  w.add(kInvPersons, "bo@x.com", "Bo", "Ray");
  w.run();
  REQUIRE(w.outbox_size() >= 1);
  // Meanwhile someone enters Bo in CRM as a lead, under his full first name:
  // taken over, the lead would be written Inventory's "Bo".
  const std::string lead = w.add(kCrm, "bo@x.com", "Robert", "Ray", {{"Contact_Type", "Lead"}});
  w.product(kCrm).fail_op(Op::create, connectors::ErrorClass::transient, 0);
  w.reset_counters();
  w.run();
  CHECK(w.product(kCrm).calls(Op::update) == 0);
  CHECK(w.product(kCrm).calls(Op::create) == 0);
  CHECK(holding(w, kCrm, "bo@x.com") == 1);
  CHECK(w.product(kCrm).get(lead)->fields.at("Contact_Type") == "Lead");
  CHECK(w.product(kCrm).get(lead)->fields.at("First_Name") == "Robert");
  CHECK_FALSE(linked(w, kCrm, lead));
  // Settled: nothing is tried again.
  w.reset_counters();
  w.run();
  CHECK(w.total_writes() == 0);
  CHECK(w.outbox_size() == 0);
}

TEST_CASE("a customer whose create waits and who becomes a lead meanwhile is not created") {
  // CRM and Inventory only: the CRM contact is the person's one record.
  mapping::SyncSettings s = customers_only(default_settings());
  for (auto& c : s.collections)
    c.create_target = c.id == kInvPersons;
  World w(s);
  // Inventory refuses creates for now: the create waits in the outbox.
  w.product(kInvPersons).fail_op(Op::create, connectors::ErrorClass::transient, 100);
  const std::string cust = w.add(kCrm, "cy@x.com", "Cy", "Roe", {{"Contact_Type", "Customer"}});
  w.run();
  REQUIRE(holding(w, kInvPersons, "cy@x.com") == 0);
  REQUIRE(w.outbox_size() >= 1);
  // Cy turns out to be a lead; then Inventory takes creates again.
  w.product(kCrm).edit(cust, "Contact_Type", "Lead");
  w.run();  // the lead is unlinked; Inventory still refuses
  w.product(kInvPersons).fail_op(Op::create, connectors::ErrorClass::transient, 0);
  w.reset_counters();
  w.run();
  CHECK(holding(w, kInvPersons, "cy@x.com") == 0);
  CHECK(w.product(kInvPersons).calls(Op::create) == 0);
  CHECK(w.outbox_size() == 0);
}

TEST_CASE("a mistyped rule field is refused and stays refused: no link is lost cycle by cycle") {
  World w;
  for (int i = 0; i < 15; ++i) {
    w.add(kCrm, "p" + std::to_string(i) + "@x.com", "P", std::to_string(i),
          {{"Contact_Type", "Customer"}});
  }
  REQUIRE(w.run().ok());
  const std::size_t links_before = w.links().size();
  mapping::SyncSettings typo = default_settings();
  for (auto& c : typo.collections) {
    if (c.id == kCrm)
      c.include = {rule("Contact_Typ = Customer")};
  }
  w.set_settings(typo);
  CHECK_FALSE(w.run().ok());  // refused, and said so
  CHECK(w.links().size() == links_before);
  // A later edit of one contact does not let the rule take that one: the
  // listing is still read in full and refused as a whole.
  const std::string edited = w.product(kCrm).records().begin()->first;
  const std::string email = w.product(kCrm).records().begin()->second.fields.at("Email");
  w.product(kCrm).edit(edited, "Phone", "555 0100");
  CHECK_FALSE(w.run().ok());
  CHECK(w.links().size() == links_before);
  // The admin fixes the rule: the edit, held meanwhile, is not lost.
  w.set_settings(customers_only(default_settings()));
  CHECK(w.run().ok());
  CHECK(w.links().size() == links_before);
  bool reached = false;
  for (const auto& [id, r] : w.product(kInvPersons).records()) {
    reached = reached || (r.fields.count("email") && r.fields.at("email") == email &&
                          r.fields.count("phone") && r.fields.at("phone") == "555 0100");
  }
  CHECK(reached);
}

TEST_CASE("an update waiting for a record that the rules have since left out is not sent") {
  mapping::SyncSettings s = default_settings();
  for (auto& c : s.collections) {
    if (c.id == kInvPersons)
      c.include = {rule("department != Purchasing")};
  }
  World w(s);
  const std::string crm = w.add(kCrm, "di@x.com", "Di", "Lee", {{"Contact_Type", "Customer"}});
  REQUIRE(w.run().ok());
  REQUIRE(holding(w, kInvPersons, "di@x.com") == 1);
  const std::string inv = w.product(kInvPersons).records().begin()->first;
  // Inventory refuses updates for now; a CRM edit waits in the outbox.
  w.product(kInvPersons).fail_op(Op::update, connectors::ErrorClass::transient, 100);
  w.product(kCrm).edit(crm, "Phone", "555 0199");
  w.run();
  REQUIRE(w.outbox_size() >= 1);
  // Meanwhile Di moves to Purchasing in Inventory: out of the sync there.
  w.product(kInvPersons).edit(inv, "department", "Purchasing");
  w.run();  // unlinked in Inventory; the update still cannot go
  w.product(kInvPersons).fail_op(Op::update, connectors::ErrorClass::transient, 0);
  w.reset_counters();
  w.run();
  CHECK(w.product(kInvPersons).calls(Op::update) == 0);
  CHECK(w.product(kInvPersons).get(inv)->fields.count("phone") == 0);
  CHECK(w.outbox_size() == 0);
}

TEST_CASE("writes left over from before a rule change wait for the plan under the new rules") {
  mapping::SyncSettings s = default_settings();
  for (auto& c : s.collections)
    c.create_target = c.id == kInvPersons;  // CRM and Inventory only
  World w(s);
  w.product(kInvPersons).fail_op(Op::create, connectors::ErrorClass::transient, 100);
  w.add(kCrm, "ed@x.com", "Ed", "Ng", {{"Contact_Type", "Lead"}});
  w.run();
  REQUIRE(w.outbox_size() >= 1);
  // The admin limits CRM to customers and restarts; Inventory answers again.
  w.set_settings(customers_only(s));
  w.restart();
  w.product(kInvPersons).fail_op(Op::create, connectors::ErrorClass::transient, 0);
  w.reset_counters();
  w.run();
  CHECK(w.product(kInvPersons).calls(Op::create) == 0);
  CHECK(holding(w, kInvPersons, "ed@x.com") == 0);
  CHECK(w.outbox_size() == 0);
}
