#include "daemon/build_info.hpp"

namespace zohosync::daemon {

const char* version_line() {
  return "zohosync " ZOHOSYNC_VERSION " (commit " ZOHOSYNC_COMMIT ", " ZOHOSYNC_BUILD_TYPE ")";
}

const char* version() {
  return ZOHOSYNC_VERSION;
}

const char* commit() {
  return ZOHOSYNC_COMMIT;
}

const char* build_type() {
  return ZOHOSYNC_BUILD_TYPE;
}

}  // namespace zohosync::daemon
