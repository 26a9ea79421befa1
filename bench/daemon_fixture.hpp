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

// DIR/NAME: every product and collection on, state in DIR/state, polls of
// `poll_ms`. `generous`: budgets far above any limit (for a sandbox that
// enforces none); otherwise zohosync's defaults, as a new user runs it.
std::string write_daemon_config(const std::filesystem::path& dir, std::uint16_t port, int poll_ms,
                                bool generous, const std::string& name);

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
                              std::uint16_t port);

}  // namespace zohosync::bench
