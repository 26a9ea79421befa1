#pragma once
// How often each collection is really read, measured by the daemon: the mean
// time between listings that answered (a budget or a slow product can make it
// longer than configured) and, for a listing spread over polls (Projects read
// a slice of clients per poll), how long a whole pass takes and how long the
// one under way has left. It says what an admin needs, when it matters:
//   - at start, each collection's interval and what the last run measured;
//   - once a minute while a long pass is under way, with its estimate;
//   - once, when the configured interval cannot be served.
// Its figures go to the state (for `zohosync status`) and to /metrics.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "connectors/connector.hpp"
#include "state/cadence.hpp"

namespace zohosync::daemon {

namespace metrics {
class Registry;
}

class CadenceTracker {
 public:
  explicit CadenceTracker(std::vector<connectors::Connector*> connectors)
      : connectors_(std::move(connectors)) {}

  // The configured intervals (on start and on reload).
  void configure(const std::map<std::string, std::chrono::milliseconds>& poll_intervals);
  // Logs, per configured collection, its interval and what `remembered`
  // (the last run's figures, from the state) says.
  void log_start(const std::map<std::string, state::Cadence>& remembered) const;
  // A cycle listed `collection` (it answered) at `now_ms`: updates its
  // figures and logs what is due.
  void listed(const std::string& collection, std::int64_t now_ms);

  const std::map<std::string, state::Cadence>& cadences() const { return cadences_; }

  static void describe_metrics(metrics::Registry& registry);
  void export_metrics(metrics::Registry& registry) const;

 private:
  struct Pass {
    std::uint64_t passes_completed = 0;
    std::int64_t started_ms = 0;   // when this daemon saw the pass start; 0: mid-pass
    std::int64_t observed_ms = 0;  // when it first saw this pass
    std::size_t read_when_observed = 0;
    bool seen = false;
  };
  struct Track {
    std::int64_t last_listed_ms = 0;
    std::size_t listings = 0;
    Pass pass;
    std::optional<std::int64_t> progress_logged_ms;
    bool slow_reported = false;
  };
  void follow_pass(const std::string& collection, const connectors::ListingProgress& progress,
                   std::int64_t now_ms, state::Cadence& cadence, Track& track);

  std::vector<connectors::Connector*> connectors_;
  std::map<std::string, std::chrono::milliseconds> intervals_;
  std::map<std::string, state::Cadence> cadences_;
  std::map<std::string, Track> tracks_;
};

// "45s", "6m30s", "1h05m": rounded for a log line.
std::string rounded_duration(std::int64_t ms);

}  // namespace zohosync::daemon
