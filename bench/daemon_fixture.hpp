#pragma once
// What the benches that run `zohosync daemon` against zoho-sandbox share: a
// scratch directory, a configuration, the sandbox's request counters, and
// the step that links everyone with a reconcile (limits off) before Zoho's
// limits are turned on for the run that is measured.

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>

#include "tests/sandbox/test_client.hpp"

namespace zohosync::bench {

// A fresh directory under the temp dir, removed at the end unless
// ZOHOSYNC_BENCH_KEEP=1 (the daemon's log and state, to look at).
class BenchDir {
 public:
  BenchDir();
  ~BenchDir();
  BenchDir(const BenchDir&) = delete;
  BenchDir& operator=(const BenchDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Inventory answers a person create with every person of its contact, and a
// listing re-reads every person of a contact that changed: under one default
// contact both grow with each person added. Creates one empty "New People n"
// contact per 200 `people` (at most 100), as an admin would, and returns the
// ids for default_contact_id (the sandbox's own "New People" first).
std::string make_default_contacts(sandbox::test::session& sb, std::size_t people);

// DIR/NAME: every product and collection on, the credentials the sandbox's
// /__sandbox/info names (`info`), state in DIR/state, polls of
// `poll_ms`, new Inventory people under `default_contacts`. `generous`:
// budgets far above any limit (for a sandbox that enforces none); otherwise
// zohosync's defaults, as a new user runs it.
std::string write_daemon_config(const std::filesystem::path& dir, std::uint16_t port,
                                const boost::json::object& info, int poll_ms, bool generous,
                                const std::string& name,
                                const std::string& default_contacts = "460000000000001");

// Requests the sandbox answered so far, by product, and how many it refused
// for a limit.
struct RequestCounts {
  std::map<std::string, std::int64_t> by_product;
  std::int64_t limited = 0;
};
RequestCounts request_counts(sandbox::test::session& sb);
// `after` minus `before`.
RequestCounts spent_between(const RequestCounts& before, const RequestCounts& after);

// Links everyone with `zohosync reconcile` (generous budgets, the sandbox's
// limits off), steps the sandbox clock past every limit window the reconcile
// filled (a day and two minutes), then turns Zoho's limits on. Throws when
// the reconcile fails.
void link_then_enforce_limits(sandbox::test::session& sb, const std::filesystem::path& dir,
                              std::uint16_t port, const std::string& default_contacts);

}  // namespace zohosync::bench
