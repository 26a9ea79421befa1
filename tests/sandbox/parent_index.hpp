// The ids of a product's records grouped by one field naming their parent
// (a person's contact_id, a client contact's clientId, a counterparty
// contact's organizationApiName), so that a per-parent listing or a write's
// answer reads that parent's records instead of scanning every record of the
// product (which made a full listing cost parents x records).
//
// The API handlers that add or remove records tell the index (add, remove).
// Everything else that may change records (the admin API, a reset) moves
// store::version, and the next lookup rebuilds from the records; so does a
// lookup that finds the count of records changed behind its back or a listed
// record gone or moved to another parent.
#pragma once

#include <boost/json/object.hpp>

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace zohosync::sandbox {

class parent_index {
 public:
  using records = std::map<std::string, boost::json::object>;

  explicit parent_index(const char* field) : field_(field) {}

  // The ids under `parent`, in id order (the order of a scan of `all`).
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

 private:
  std::string parent_of(const boost::json::object& r) const {
    const auto* v = r.if_contains(field_);
    return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
  }

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
  bool built_ = false;
  std::uint64_t version_ = 0;
  std::size_t count_ = 0;
  std::map<std::string, std::set<std::string>> by_parent_;
};

}  // namespace zohosync::sandbox
