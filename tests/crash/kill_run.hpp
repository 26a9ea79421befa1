#pragma once
// Runs `zohosync` with its output in a FIFO the harness reads as it is
// written, and SIGKILLs it at a chosen moment: when the Nth "cycle phase=X"
// line (the engine's debug markers) appears, plus a short delay, or after a
// plain random time. The phase a kill landed in is the last marker the child
// wrote before it died (every line read after the kill was written before it).

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace zohosync::crash_test {

// The phases the engine marks, in cycle order. "start" is before the first
// marker, "done" after the cycle's last one.
inline const std::vector<std::string> kPhases = {"listing", "plan", "outbox",
                                                 "claim",   "send", "journal"};

struct KillTarget {
  std::string phase;  // a marker name, or "time" for a kill after `delay` from the start
  int nth = 1;        // the Nth line of that phase
  std::chrono::microseconds delay{0};
};

struct KillOutcome {
  bool killed = false;  // false: the child ended (or the target never came) first
  int exit_code = -1;   // when not killed
  std::string landed;   // the phase the kill hit
  std::string output;   // everything the child wrote
};

// Starts `exe args...` and kills it at `target`; gives up (and kills it) after
// `limit`. `fifo` is created when missing.
KillOutcome run_and_kill(const std::string& exe, const std::vector<std::string>& args,
                         const std::filesystem::path& fifo, const KillTarget& target,
                         std::chrono::milliseconds limit);

}  // namespace zohosync::crash_test
