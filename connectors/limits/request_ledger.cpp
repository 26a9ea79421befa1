#include "connectors/limits/request_ledger.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <system_error>

namespace zohosync::connectors {

namespace {

constexpr std::uint32_t kMagic = 0x4c52535a;  // "ZSRL"
constexpr std::uint32_t kVersion = 1;
constexpr std::size_t kProducts = 4;  // Product::crm .. Product::contracts

struct Slot {
  double tokens = 0;
  std::int64_t updated_ms = 0;  // 0: never used
  std::int64_t blocked_until_ms = 0;
};

struct Layout {
  std::uint32_t magic = kMagic;
  std::uint32_t version = kVersion;
  std::array<Slot, kProducts> slots{};
};

std::int64_t ms_of(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

std::size_t index_of(Product product) {
  return std::min(static_cast<std::size_t>(product), kProducts - 1);
}

// Holds an flock for one read-modify-write.
class Locked {
 public:
  Locked(int fd, int operation) : fd_(fd) {
    while (::flock(fd_, operation) != 0) {
      if (errno != EINTR)
        throw std::system_error(errno, std::generic_category(), "request ledger: flock");
    }
  }
  ~Locked() { ::flock(fd_, LOCK_UN); }
  Locked(const Locked&) = delete;
  Locked& operator=(const Locked&) = delete;

 private:
  int fd_;
};

Layout load(int fd) {
  Layout layout;
  const ssize_t n = ::pread(fd, &layout, sizeof layout, 0);
  if (n != static_cast<ssize_t>(sizeof layout) || layout.magic != kMagic ||
      layout.version != kVersion)
    return Layout{};  // new, short or foreign: start afresh
  return layout;
}

void store(int fd, const Layout& layout) {
  if (::pwrite(fd, &layout, sizeof layout, 0) != static_cast<ssize_t>(sizeof layout))
    throw std::system_error(errno, std::generic_category(), "request ledger: write");
}

// No product throttles for longer than a day (Projects locks for 30
// minutes, CRM's credits renew within 24 hours). A throttle that ends later
// than this from now, or a slot used "in the future", was written while the
// clock was ahead: honouring it would stall the product until that time
// (a year, for a clock a year ahead). Such times count as now.
constexpr std::int64_t kLongestThrottleMs = 25LL * 3600 * 1000;

// `slot` as it stands at `now_ms`, its times brought back to a sane range.
Slot sane(Slot slot, std::int64_t now_ms) {
  if (slot.updated_ms > now_ms)
    slot.updated_ms = now_ms;
  if (slot.blocked_until_ms > now_ms + kLongestThrottleMs)
    slot.blocked_until_ms = 0;
  return slot;
}

// The end of `product`'s throttle in the ledger behind `fd`, if still in force.
std::optional<std::chrono::system_clock::time_point> blocked_in(
    int fd, Product product, std::chrono::system_clock::time_point now) {
  const Locked lock(fd, LOCK_SH);
  const Slot slot = sane(load(fd).slots[index_of(product)], ms_of(now));
  if (slot.blocked_until_ms <= ms_of(now))
    return std::nullopt;
  return std::chrono::system_clock::time_point(std::chrono::milliseconds(slot.blocked_until_ms));
}

// The requests `slot` holds at `now_ms`: a slot never used holds a full
// budget; otherwise what it held plus what refilled since, up to the burst
// (also a smaller burst configured since). A clock stepped back refills
// nothing.
double tokens_at(const Slot& slot, const RateLimit& limit, std::int64_t now_ms) {
  if (slot.updated_ms == 0)
    return limit.burst;
  const double rate = std::max(limit.requests_per_second, 1e-9);
  const double elapsed_s =
      static_cast<double>(std::max<std::int64_t>(0, now_ms - slot.updated_ms)) / 1000.0;
  return std::min(limit.burst, slot.tokens + elapsed_s * rate);
}

}  // namespace

RequestLedger::RequestLedger(const std::filesystem::path& file) : file_(file) {
  fd_ = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd_ < 0)
    throw std::system_error(errno, std::generic_category(), "request ledger " + file.string());
}

RequestLedger::~RequestLedger() {
  if (fd_ >= 0)
    ::close(fd_);
}

std::chrono::milliseconds RequestLedger::reserve(Product product, const RateLimit& limit,
                                                 std::chrono::system_clock::time_point now) {
  const Locked lock(fd_, LOCK_EX);
  Layout layout = load(fd_);
  Slot& slot = layout.slots[index_of(product)];
  const std::int64_t now_ms = ms_of(now);
  slot = sane(slot, now_ms);
  const double rate = std::max(limit.requests_per_second, 1e-9);
  slot.tokens = tokens_at(slot, limit, now_ms) - 1.0;
  slot.updated_ms = std::max(slot.updated_ms, now_ms);
  std::int64_t wait_ms = 0;
  if (slot.tokens < 0)
    wait_ms = static_cast<std::int64_t>(-slot.tokens / rate * 1000.0 + 0.999);
  wait_ms = std::max(wait_ms, slot.blocked_until_ms - now_ms);
  store(fd_, layout);
  return std::chrono::milliseconds(wait_ms);
}

double RequestLedger::available(Product product, const RateLimit& limit,
                                std::chrono::system_clock::time_point now) const {
  const Locked lock(fd_, LOCK_SH);
  const std::int64_t now_ms = ms_of(now);
  const Slot slot = sane(load(fd_).slots[index_of(product)], now_ms);
  const double tokens = tokens_at(slot, limit, now_ms);
  return slot.blocked_until_ms > now_ms ? std::min(0.0, tokens) : tokens;
}

void RequestLedger::block_until(Product product, std::chrono::system_clock::time_point until) {
  const Locked lock(fd_, LOCK_EX);
  Layout layout = load(fd_);
  Slot& slot = layout.slots[index_of(product)];
  slot.blocked_until_ms = std::max(slot.blocked_until_ms, ms_of(until));
  store(fd_, layout);
}

std::optional<std::chrono::system_clock::time_point> RequestLedger::blocked_until(
    Product product, std::chrono::system_clock::time_point now) const {
  return blocked_in(fd_, product, now);
}

std::optional<std::chrono::system_clock::time_point> read_blocked_until(
    const std::filesystem::path& file, Product product, std::chrono::system_clock::time_point now) {
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return std::nullopt;
  std::optional<std::chrono::system_clock::time_point> out;
  try {
    out = blocked_in(fd, product, now);
  } catch (const std::system_error&) {
    // Unreadable: said to be "none" (the header's promise).
  }
  ::close(fd);
  return out;
}

}  // namespace zohosync::connectors
