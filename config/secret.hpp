#pragma once

#include <iosfwd>
#include <string>
#include <utility>

namespace zohosync::config {

// A credential (OAuth client secret, refresh token). It can be moved, copied
// and compared, but not printed: there is no operator<< and no fmt formatter,
// so `log("{}", secret)` does not compile. The value is only reachable through
// reveal(), which makes every use visible in review.
class Secret {
 public:
  Secret() = default;
  explicit Secret(std::string value) : value_(std::move(value)) {}
  Secret(const Secret&) = default;
  Secret(Secret&&) noexcept = default;
  Secret& operator=(const Secret& other) {
    if (this != &other) {
      wipe();
      value_ = other.value_;
    }
    return *this;
  }
  Secret& operator=(Secret&& other) noexcept {
    wipe();
    value_ = std::move(other.value_);
    return *this;
  }
  ~Secret() { wipe(); }

  const std::string& reveal() const { return value_; }
  bool empty() const { return value_.empty(); }
  friend bool operator==(const Secret&, const Secret&) = default;

  friend std::ostream& operator<<(std::ostream&, const Secret&) = delete;

 private:
  // Overwrite the bytes before the buffer is released so the secret does not
  // linger in freed heap memory.
  void wipe() noexcept {
    volatile char* p = value_.data();
    for (std::size_t i = 0; i < value_.size(); ++i)
      p[i] = 0;
    value_.clear();
  }

  std::string value_;
};

}  // namespace zohosync::config
