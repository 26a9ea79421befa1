// Naming a running process so that another process can tell, later, whether
// it still runs: its PID and its start time (field 22 of /proc/PID/stat, in
// clock ticks since boot). A PID alone is reused once the process is gone;
// the pair is not, within one boot.
#pragma once

#include <string>
#include <string_view>

namespace zohosync {

// "PID:START" for this process, computed once.
const std::string& this_process_token();

// Whether the process a token names runs now. A token that does not parse
// names nothing that runs: false.
bool process_alive(std::string_view token);

}  // namespace zohosync
