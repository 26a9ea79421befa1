// The per-collection options: collections.<id>.{enabled, poll_interval, ...,
// fields.<canonical field>}. Each collection gets only the options that apply
// to it (a default parent where creates need one, allow_invite for Inventory
// users, full_scan_interval for Inventory contact persons, create_batch for
// Projects contacts).
#include "config/option_builders.hpp"

namespace zohosync::config::detail {
namespace {

using namespace std::chrono_literals;

struct CollectionDoc {
  std::string id;
  std::string parent_key;  // "" when creates need no parent
  std::string parent_doc;
  std::string poll_cost;  // what one poll costs, where that bounds the interval
};

std::string join_plain(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& name : names)
    out += (out.empty() ? "" : ", ") + name;
  return out;
}

void add_collection(std::vector<OptionSpec>& specs, const CollectionDoc& doc) {
  const std::string id = doc.id;
  const std::string prefix = "collections." + id + ".";
  auto coll = [id](Config& c) -> CollectionConfig& { return c.collections.at(id); };
  specs.push_back(option(
      prefix + "enabled", [coll](Config & c) -> auto& { return coll(c).enabled; }, false,
      "Sync " + id + " (only while its product is enabled too)."));
  specs.push_back(option(
      prefix + "poll_interval", [coll](Config & c) -> auto& { return coll(c).poll_interval; }, true,
      "How often the daemon polls " + id + " for changes." +
          std::string(doc.poll_cost.empty() ? "" : " " + doc.poll_cost) + " From 1s to 30d.",
      duration_between(1s, 30 * 24h)));
  specs.push_back(option(
      prefix + "poll_jitter", [coll](Config & c) -> auto& { return coll(c).poll_jitter; }, true,
      "Random extra delay (0 .. this) added to each poll so products are not hit in lockstep; "
      "must be shorter than poll_interval.",
      duration_between(0s, 30 * 24h)));
  specs.push_back(option(
      prefix + "create", [coll](Config & c) -> auto& { return coll(c).create; }, true,
      "Create people first seen in other collections here (a create target)." +
          std::string(doc.parent_key.empty() ? "" : " Needs " + doc.parent_key + ".")));
  if (id == "inventory.users") {
    specs.back().info.description =
        "Create people first seen elsewhere as Inventory users. Creating a user sends an "
        "invitation e-mail, so allow_invite must be true as well.";
    specs.push_back(option(
        prefix + "allow_invite", [coll](Config & c) -> auto& { return coll(c).allow_invite; }, true,
        "Allow creates here to send Inventory's invitation e-mail."));
  }
  if (!doc.parent_key.empty()) {
    specs.push_back(option(
        prefix + doc.parent_key, [coll](Config & c) -> auto& { return coll(c).default_parent; },
        true, doc.parent_doc + " Required when create = true."));
  }
  {
    OptionSpec spec;
    spec.info.key_path = prefix + "on_delete";
    spec.info.description =
        "What a record deleted in " + id +
        " does to the person elsewhere: \"unlink\", \"propagate\", \"ignore\"; \"\" = "
        "sync.on_delete.";
    spec.info.reloadable = true;
    spec.kind = Kind::string;
    spec.choices = {""};
    for (std::string_view word : common::words<DeletePolicy>())
      spec.choices.emplace_back(word);
    // "" parses to no policy: the collection follows sync.on_delete.
    spec.set = [coll](Config& c, const Value& v) {
      coll(c).on_delete = common::parse<DeletePolicy>(std::get<std::string>(v));
    };
    spec.get = [coll](const Config& c) -> Value {
      const auto& target = coll(const_cast<Config&>(c)).on_delete;
      return target ? std::string(to_string(*target)) : std::string();
    };
    specs.push_back(std::move(spec));
  }
  if (id == "inventory.contact_persons") {
    specs.push_back(option(
        prefix + "full_scan_interval",
        [coll](Config & c) -> auto& { return coll(c).full_scan_interval; }, true,
        "How often every contact's persons are listed in full; in between only contacts whose "
        "last_modified_time moved are read (person edits may not move it). The daemon spreads "
        "this full scan over its polls, reading as many contacts as the request budget holds "
        "each time; reconcile reads it whole. From 1m to 30d.",
        duration_between(1min, 30 * 24h)));
  }
  if (id == "projects.contacts") {
    specs.push_back(option(
        prefix + "create_batch", [coll](Config & c) -> auto& { return coll(c).create_batch; }, true,
        "Contacts per create request: people created together go out as one request per client "
        "company (a contacts array), each one's outcome read from the answer. 1 sends one "
        "request per contact.",
        int_between(1, 100)));
  }
  specs.push_back(option(
      prefix + "blank_overwrite_fields",
      [coll](Config & c) -> auto& { return coll(c).blank_overwrite_fields; }, true,
      "Canonical fields for which a value blanked in " + id +
          " clears the person's value (by default a blank never wipes a value).",
      no_duplicates()));
  {
    const std::vector<std::string>* fields = rule_fields(id);
    std::string which =
        fields == nullptr
            ? std::string("any field of the module (its API name, custom fields included)")
            : "one of " + id + "'s fields (" + join_plain(*fields) + ")";
    specs.push_back(option(
        prefix + "include", [coll](Config & c) -> auto& { return coll(c).include; }, false,
        "Selective sync: only records for which every rule holds take part, as a source and as "
        "a create target. A rule is \"Field = value\", \"Field != value\", \"Field in a, b\", "
        "\"Field not in a, b\", \"Field exists\" or \"Field missing\", on " +
            which +
            "; values compare without regard to case. A linked record that stops matching is "
            "unlinked, never deleted. Creates here get the first value of each = / in rule.",
        include_rules()));
  }
  for (const auto& field : carried_fields(id)) {
    specs.push_back(enum_option(
        prefix + "fields." + field,
        [ coll, field ](Config & c) -> auto& { return coll(c).fields.at(field); }, true,
        "Direction of " + field + ": \"both\", \"to_product\" (person -> " + id +
            " only), \"from_product\" (" + id + " -> person only) or \"off\"."));
  }
}

}  // namespace

void add_collection_options(std::vector<OptionSpec>& specs) {
  add_collection(specs,
                 {"inventory.contact_persons", "default_contact_id",
                  "Inventory contact (company) id new contact persons are created under. "
                  "Several ids, comma-separated, spread the creates: each goes under the one with "
                  "the fewest persons (Inventory answers every person write with all persons of "
                  "the contact, so one contact's answers grow with every create).",
                  ""});
  add_collection(specs, {"inventory.users", "", "", ""});
  // Projects and Contracts have no modified-since filter: every poll is a full
  // listing, so on a big portal the interval, not the change rate, decides how
  // much of the request limit the collection uses.
  add_collection(specs, {"projects.contacts", "default_client_id",
                         "Projects client company id new client contacts are created under.",
                         "Each poll lists every client company (about one request per client) "
                         "against http.projects' limit: with 1,000 clients allow at least 20m."});
  add_collection(specs, {"crm.contacts", "", "", ""});
  add_collection(specs, {"contracts.counterparty_contacts", "default_counterparty",
                         "Counterparty (organizationApiName) new counterparty contacts are created "
                         "under.",
                         "Each poll lists every counterparty (one request each) against "
                         "http.contracts' limit: with 1,000 counterparties allow at least 17m."});
}

}  // namespace zohosync::config::detail
