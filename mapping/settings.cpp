#include "mapping/settings.hpp"

namespace zohosync::mapping {

std::string_view to_string(ConflictPolicy policy) {
  switch (policy) {
    case ConflictPolicy::newest:
      return "newest";
    case ConflictPolicy::priority:
      return "priority";
    case ConflictPolicy::manual:
      return "manual";
  }
  return "newest";
}

std::string_view to_string(OnDelete on_delete) {
  switch (on_delete) {
    case OnDelete::unlink:
      return "unlink";
    case OnDelete::propagate:
      return "propagate";
    case OnDelete::ignore:
      return "ignore";
  }
  return "unlink";
}

std::string_view to_string(Direction direction) {
  switch (direction) {
    case Direction::both:
      return "both";
    case Direction::to_product:
      return "to_product";
    case Direction::from_product:
      return "from_product";
    case Direction::off:
      return "off";
  }
  return "both";
}

}  // namespace zohosync::mapping
