// Inventory v1: contacts paging, contact persons, users, organization_id.
#include "tests/sandbox/test_client.hpp"

#include <doctest/doctest.h>
#include <boost/json/serialize.hpp>

#include <set>

using namespace zohosync::sandbox::test;
namespace json = boost::json;

namespace {

std::string str(const json::value& v) {
  return std::string(v.as_string());
}

}  // namespace

TEST_CASE("inventory: organization_id is required, contacts page with has_more_page and sort") {
  sandbox_process proc({"--people", "400", "--no-limits"});
  session s(proc.port());
  auto no_org = s.client.get("/inventory/v1/contacts", s.auth());
  CHECK(no_org.status == 400);
  CHECK(no_org.obj().at("code").as_int64() != 0);
  auto wrong_org = s.client.get("/inventory/v1/contacts?organization_id=1", s.auth());
  CHECK(wrong_org.status == 401);
  CHECK(wrong_org.obj().at("code").as_int64() == 57);

  auto total = s.dump().at("inventory").at("contacts").as_array().size();
  REQUIRE(total > 50);
  std::set<std::string> seen;
  int page = 1;
  for (; page < 100; ++page) {
    auto r = s.client.get(s.inv("/contacts?per_page=50&page=" + std::to_string(page)), s.auth());
    REQUIRE(r.status == 200);
    auto body = r.obj();
    CHECK(body.at("page_context").at("per_page").as_int64() == 50);
    for (const auto& c : body.at("contacts").as_array()) {
      seen.insert(str(c.at("contact_id")));
      CHECK(c.at("last_modified_time").is_string());
    }
    if (!body.at("page_context").at("has_more_page").as_bool())
      break;
  }
  CHECK(seen.size() == total);
  auto some = s.dump().at("inventory").at("contact_persons").as_array();
  std::string email;
  for (const auto& p : some) {
    if (p.at("is_primary_contact").as_bool() && !p.at("email").as_string().empty()) {
      email = str(p.at("email"));
      break;
    }
  }
  REQUIRE(!email.empty());
  auto by_email = s.client.get(s.inv("/contacts?email=" + email), s.auth()).obj();
  REQUIRE(by_email.at("contacts").as_array().size() >= 1);
  CHECK(str(by_email.at("contacts").at(0).at("email")) == email);
  CHECK(s.client.get(s.inv("/contacts?email_contains=no-such-text"), s.auth())
            .obj()
            .at("contacts")
            .as_array()
            .empty());
  auto capped = s.client.get(s.inv("/contacts?per_page=500"), s.auth()).obj();
  CHECK(capped.at("page_context").at("per_page").as_int64() == 200);

  auto sorted =
      s.client.get(s.inv("/contacts?sort_column=last_modified_time&sort_order=D"), s.auth())
          .obj()
          .at("contacts")
          .as_array();
  for (std::size_t i = 1; i < sorted.size(); ++i) {
    CHECK(str(sorted[i - 1].at("last_modified_time")) >= str(sorted[i].at("last_modified_time")));
  }
}

TEST_CASE("inventory: contact persons create/update/delete/primary with field limits") {
  sandbox_process proc({"--people", "60", "--no-limits"});
  session s(proc.port());
  auto contact = s.dump().at("inventory").at("contacts").as_array().at(0).as_object();
  std::string cid = str(contact.at("contact_id"));
  std::string modified = str(contact.at("last_modified_time"));

  auto created =
      s.client.request("POST", s.inv("/contacts/contactpersons"),
                       R"({"contact_id":")" + cid +
                           R"(","first_name":"Will","last_name":"Smith","email":"will@x.example"})",
                       s.auth());
  REQUIRE(created.status == 201);
  auto body = created.obj();
  CHECK(body.at("code").as_int64() == 0);
  CHECK(body.at("message") == "The contact person has been Created");
  auto person = body.at("contact_person").as_array().at(0).as_object();
  CHECK(person.at("first_name") == "Will");
  std::string pid = str(person.at("contact_person_id"));

  auto no_first = s.client.request("POST", s.inv("/contacts/contactpersons"),
                                   R"({"contact_id":")" + cid + R"(","last_name":"X"})", s.auth());
  CHECK(no_first.status == 400);
  CHECK(no_first.obj().at("code").as_int64() != 0);
  auto long_email =
      s.client.request("POST", s.inv("/contacts/contactpersons"),
                       R"({"contact_id":")" + cid + R"(","first_name":"A","email":")" +
                           std::string(95, 'a') + R"(@x.example"})",
                       s.auth());
  CHECK(long_email.status == 400);

  REQUIRE(s.admin_post("clock", R"({"advance":30})").status == 200);
  auto no_contact = s.client.request("PUT", s.inv("/contacts/contactpersons/" + pid),
                                     R"({"first_name":"Bill"})", s.auth());
  CHECK(no_contact.status == 400);
  auto upd = s.client.request("PUT", s.inv("/contacts/contactpersons/" + pid),
                              R"({"contact_id":")" + cid + R"(","first_name":"Bill"})", s.auth());
  REQUIRE(upd.status == 200);
  CHECK(upd.obj().at("message") == "The contactperson details has been updated.");
  auto got = s.client.get(s.inv("/contacts/" + cid + "/contactpersons/" + pid), s.auth()).obj();
  CHECK(got.at("contact_person").at("first_name") == "Bill");
  CHECK(got.at("contact_person").at("last_name") == "Smith");

  // Default: person edits leave the contact's last_modified_time alone.
  auto after = s.client.get(s.inv("/contacts/" + cid), s.auth()).obj();
  CHECK(str(after.at("contact").at("last_modified_time")) == modified);
  REQUIRE(s.admin_post("knobs", R"({"person_bumps_contact":true})").status == 200);
  REQUIRE(s.client
              .request("PUT", s.inv("/contacts/contactpersons/" + pid),
                       R"({"contact_id":")" + cid + R"(","first_name":"Billy"})", s.auth())
              .status == 200);
  after = s.client.get(s.inv("/contacts/" + cid), s.auth()).obj();
  CHECK(str(after.at("contact").at("last_modified_time")) != modified);

  auto primary =
      s.client.request("POST", s.inv("/contacts/contactpersons/" + pid + "/primary"), {}, s.auth());
  CHECK(primary.obj().at("code").as_int64() == 0);
  auto persons = s.client.get(s.inv("/contacts/" + cid + "/contactpersons"), s.auth()).obj();
  int primaries = 0;
  for (const auto& p : persons.at("contact_persons").as_array()) {
    if (p.at("is_primary_contact").as_bool()) {
      ++primaries;
      CHECK(str(p.at("contact_person_id")) == pid);
    }
  }
  CHECK(primaries == 1);
  auto del = s.client.request("DELETE", s.inv("/contacts/contactpersons/" + pid), {}, s.auth());
  CHECK(del.obj().at("message") == "The contact person has been deleted.");
  auto missing = s.client.get(s.inv("/contacts/" + cid + "/contactpersons/" + pid), s.auth());
  CHECK(missing.status == 404);
  CHECK(missing.obj().at("code").as_int64() != 0);
}

TEST_CASE("inventory: users invite without an id in the answer, update, (in)activate, delete") {
  sandbox_process proc({"--people", "200", "--no-limits"});
  session s(proc.port());
  auto invited = s.client.request(
      "POST", s.inv("/users"),
      R"({"name":"David John","email":"dj@x.example","user_role":"staff"})", s.auth());
  REQUIRE(invited.status == 201);
  CHECK(invited.obj().at("message") == "Your invitation has been sent.");
  CHECK(!invited.obj().contains("user"));
  auto again =
      s.client.request("POST", s.inv("/users"), R"({"name":"D","email":"DJ@x.example"})", s.auth());
  CHECK(again.status == 400);

  std::string uid;
  auto users = s.client.get(s.inv("/users?per_page=200"), s.auth()).obj().at("users").as_array();
  for (const auto& u : users) {
    if (u.at("email") == "dj@x.example") {
      uid = str(u.at("user_id"));
      CHECK(u.at("status") == "invited");
    }
  }
  REQUIRE(!uid.empty());
  auto one = s.client.get(s.inv("/users/" + uid), s.auth()).obj().at("user").as_object();
  CHECK(one.at("email_ids").at(0).at("email") == "dj@x.example");
  CHECK(one.at("created_time").is_string());
  auto no_email = s.client.request("PUT", s.inv("/users/" + uid), R"({"name":"DJ"})", s.auth());
  CHECK(no_email.status == 400);
  auto upd = s.client.request("PUT", s.inv("/users/" + uid),
                              R"({"name":"D. John","email":"dj@x.example"})", s.auth());
  CHECK(upd.obj().at("message") == "The user information has been updated.");
  CHECK(s.client.request("POST", s.inv("/users/" + uid + "/inactive"), {}, s.auth())
            .obj()
            .at("message") == "The user has been marked as inactive.");
  CHECK(s.client.get(s.inv("/users/" + uid), s.auth()).obj().at("user").at("status") == "inactive");
  CHECK(s.client.request("DELETE", s.inv("/users/" + uid), {}, s.auth()).obj().at("message") ==
        "The user has been removed from your organization.");
  CHECK(s.client.get(s.inv("/users/" + uid), s.auth()).status == 404);
}

TEST_CASE("inventory: a contact's persons follow API writes and admin moves between contacts") {
  sandbox_process proc({"--people", "60", "--no-limits"});
  session s(proc.port());
  auto contacts = s.dump().at("inventory").at("contacts").as_array();
  REQUIRE(contacts.size() >= 2);
  const std::string a = str(contacts.at(0).at("contact_id"));
  const std::string b = str(contacts.at(1).at("contact_id"));
  auto persons_of = [&](const std::string& cid) {
    std::set<std::string> ids;
    auto r = s.client.get(s.inv("/contacts/" + cid + "/contactpersons"), s.auth());
    REQUIRE(r.status == 200);
    const auto body = r.obj();  // held: the loop reads into it
    for (const auto& p : body.at("contact_persons").as_array())
      ids.insert(str(p.at("contact_person_id")));
    return ids;
  };
  // What a scan of the dump gives, for comparison.
  auto dumped_of = [&](const std::string& cid) {
    std::set<std::string> ids;
    const auto dump = s.dump();  // held: the loop reads into it
    for (const auto& p : dump.at("inventory").at("contact_persons").as_array())
      if (str(p.at("contact_id")) == cid)
        ids.insert(str(p.at("contact_person_id")));
    return ids;
  };
  CHECK(persons_of(a) == dumped_of(a));
  auto created = s.client.request(
      "POST", s.inv("/contacts/contactpersons"),
      R"({"contact_id":")" + a + R"(","first_name":"Index","email":"index@x.example"})", s.auth());
  REQUIRE(created.status == 201);
  const std::string pid =
      str(created.obj().at("contact_person").as_array().at(0).at("contact_person_id"));
  CHECK(persons_of(a).count(pid) == 1);
  CHECK(persons_of(a) == dumped_of(a));

  // Moved by the admin API: listed under its new contact only.
  REQUIRE(s.admin_post("edit", R"({"product":"inventory","op":"update","id":")" + pid +
                                   R"(","fields":{"contact_id":")" + b + R"("}})")
              .status == 200);
  CHECK(persons_of(a).count(pid) == 0);
  CHECK(persons_of(b).count(pid) == 1);
  CHECK(persons_of(b) == dumped_of(b));

  auto gone = s.client.request("DELETE", s.inv("/contacts/contactpersons/" + pid), "", s.auth());
  CHECK(gone.status == 200);
  CHECK(persons_of(b).count(pid) == 0);
  CHECK(persons_of(b) == dumped_of(b));
}
