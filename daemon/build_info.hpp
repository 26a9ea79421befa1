#pragma once
// What `zohosync --version` says about the build. The values are compiled
// into build_info.cpp alone, so a new commit rebuilds one file.

namespace zohosync::daemon {

// "zohosync 0.1.0 (commit abc1234, Release)": the project version, the
// commit the build was configured at ("unknown" outside a git checkout) and
// the CMake build type.
const char* version_line();
// Each part alone (zohosync_build_info's labels).
const char* version();
const char* commit();
const char* build_type();

}  // namespace zohosync::daemon
