#include "config/schema.hpp"

#include "config/options.hpp"

namespace zohosync::config {

const std::vector<OptionInfo>& schema() {
  static const std::vector<OptionInfo> kSchema = [] {
    std::vector<OptionInfo> out;
    for (const auto& spec : detail::option_specs())
      out.push_back(spec.info);
    return out;
  }();
  return kSchema;
}

}  // namespace zohosync::config
