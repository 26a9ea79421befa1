// The ids of a product's records grouped by the value of one field: their
// parent (a person's contact_id, a client contact's clientId, a counterparty
// contact's organizationApiName), so that a per-parent listing or a write's
// answer reads that parent's records instead of scanning every record of the
// product (which made a full listing cost parents x records); or their email,
// trimmed and lower-cased (`folded`), for the duplicate checks each create
// made by scanning every record.
//
// The API handlers that add, remove or change records tell the index (add,
// remove, moved).
// Everything else that may change records (the admin API, a reset) moves
// store::version, and the next lookup rebuilds from the records; so does a
// lookup that finds the count of records changed behind its back or a listed
// record gone or holding another value.
#pragma once

#include <boost/json/object.hpp>

#include <cctype>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace zohosync::sandbox {

class field_index {
 public:
  using records = std::map<std::string, boost::json::object>;

  explicit field_index(const char* field, bool folded = false) : field_(field), folded_(folded) {}

  // The ids whose field holds `parent` (folded when the index is), in id
  // order (the order of a scan of `all`).
  std::vector<std::string> ids(const records& all, std::uint64_t version,
                               const std::string& parent) {
    if (!built_ || version != version_ || count_ != all.size())
      rebuild(all, version);
    std::vector<std::string> out;
    if (collect(all, parent, out))
      return out;
    rebuild(all, version);
    out.clear();
    collect(all, parent, out);
    return out;
  }

  void add(const std::string& parent, const std::string& id) {
    if (built_ && by_parent_[parent].insert(id).second)
      ++count_;
  }

  void remove(const std::string& parent, const std::string& id) {
    if (!built_)
      return;
    auto it = by_parent_.find(parent);
    if (it != by_parent_.end() && it->second.erase(id) == 1)
      --count_;
  }

  // A record whose value was `before` (key_of before the write) and is now
  // what `r` holds.
  void moved(const std::string& before, const boost::json::object& r, const std::string& id) {
    const std::string after = key_of(r);
    if (after == before)
      return;
    remove(before, id);
    add(after, id);
  }

  // The value a record is indexed under.
  std::string key_of(const boost::json::object& r) const {
    const auto* v = r.if_contains(field_);
    if (v == nullptr || !v->is_string())
      return std::string();
    return folded_ ? fold(v->as_string()) : std::string(v->as_string());
  }

  static std::string fold(std::string_view text) {
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos)
      return std::string();
    text = text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
    std::string out(text);
    for (char& c : out)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
  }

 private:
  std::string parent_of(const boost::json::object& r) const { return key_of(r); }

  void rebuild(const records& all, std::uint64_t version) {
    by_parent_.clear();
    for (const auto& [id, r] : all)
      by_parent_[parent_of(r)].insert(id);
    built_ = true;
    version_ = version;
    count_ = all.size();
  }

  // False when the index disagrees with the records (a write it was not told of).
  bool collect(const records& all, const std::string& parent, std::vector<std::string>& out) {
    auto it = by_parent_.find(parent);
    if (it == by_parent_.end())
      return true;
    for (const auto& id : it->second) {
      auto r = all.find(id);
      if (r == all.end() || parent_of(r->second) != parent)
        return false;
      out.push_back(id);
    }
    return true;
  }

  const char* field_;
  bool folded_;
  bool built_ = false;
  std::uint64_t version_ = 0;
  std::size_t count_ = 0;
  std::map<std::string, std::set<std::string>> by_parent_;
};

}  // namespace zohosync::sandbox
