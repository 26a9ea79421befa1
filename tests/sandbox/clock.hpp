// The sandbox's notion of "now": real time plus an offset that tests advance
// through the admin API, so token expiry and rate windows are testable
// without sleeping.
#pragma once

#include <chrono>
#include <cstdint>

namespace zohosync::sandbox {

class sandbox_clock {
 public:
  std::int64_t now() const {
    using namespace std::chrono;
    return duration_cast<seconds>(system_clock::now().time_since_epoch()).count() + offset_;
  }
  void advance(std::int64_t secs) { offset_ += secs; }
  void set(std::int64_t epoch_secs) { offset_ += epoch_secs - now(); }
  std::int64_t offset() const { return offset_; }

 private:
  std::int64_t offset_ = 0;
};

}  // namespace zohosync::sandbox
