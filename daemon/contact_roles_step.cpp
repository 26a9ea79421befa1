// GCC 12 reports a false -Wmismatched-new-delete on Asio's coroutine frames
// (awaitable_frame_base has matching class-level new/delete).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

#include "daemon/contact_roles_step.hpp"

#include <cctype>
#include <map>

#include <spdlog/spdlog.h>

#include "connectors/crm/contact_role_sync.hpp"

#include "mapping/normalize.hpp"
#include "state/store.hpp"
#include "state/tables.hpp"

namespace zohosync::daemon {

namespace {

std::string comparison_key(const std::string& designation) {
  std::string key = mapping::collapse_whitespace(designation);
  for (char& c : key)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return key;
}

}  // namespace

std::vector<std::string> designations_in_use(state::Store& store) {
  auto txn = store.begin_write();  // Tables needs a write txn; rolled back unchanged
  state::Tables tables(txn, store);
  std::map<std::string, std::string> by_key;
  for (const mapping::PersonRow& person : tables.all_people()) {
    const std::string& title = person.values[mapping::Field::designation];
    std::string key = comparison_key(title);
    if (!key.empty())
      by_key.emplace(std::move(key), mapping::collapse_whitespace(title));
  }
  std::vector<std::string> out;
  out.reserve(by_key.size());
  for (auto& [key, title] : by_key)
    out.push_back(std::move(title));
  return out;
}

std::string designations_key(const std::vector<std::string>& designations) {
  std::string key;
  for (const std::string& d : designations) {
    key += comparison_key(d);
    key += '\n';
  }
  return key;
}

boost::asio::awaitable<std::string> ContactRolesStep::run(bool delete_unused) {
  struct InFlight {
    bool& flag;
    ~InFlight() { flag = false; }
  } in_flight{in_flight_};
  std::string problem;
  try {
    std::vector<std::string> designations = designations_in_use(store_);
    std::string key = designations_key(designations);
    if (key == synced_for_)
      co_return std::string();
    auto report = co_await roles_.sync(std::move(designations), delete_unused);
    spdlog::info("CRM contact roles in step: {} created, {} deleted", report.created.size(),
                 report.deleted.size());
    if (report.failures.empty())
      synced_for_ = std::move(key);
  } catch (const std::exception& e) {
    problem = e.what();
  }
  if (!problem.empty())
    spdlog::warn("CRM contact roles not updated: {}", problem);
  co_return problem;
}

}  // namespace zohosync::daemon
