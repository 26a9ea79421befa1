#include "daemon/metrics.hpp"

#include <fmt/format.h>
#include <cmath>
#include <stdexcept>

namespace zohosync::daemon::metrics {

std::string label_block(const Labels& labels) {
  if (labels.empty())
    return {};
  std::string out = "{";
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (i > 0)
      out += ',';
    out += labels[i].first;
    out += "=\"";
    for (char c : labels[i].second) {
      switch (c) {
        case '\\':
          out += "\\\\";
          break;
        case '"':
          out += "\\\"";
          break;
        case '\n':
          out += "\\n";
          break;
        default:
          out += c;
      }
    }
    out += '"';
  }
  out += '}';
  return out;
}

std::string format_value(double value) {
  if (std::isnan(value))
    return "NaN";
  if (std::isinf(value))
    return value > 0 ? "+Inf" : "-Inf";
  if (value == std::floor(value) && std::fabs(value) < 1e15)
    return fmt::format("{}", static_cast<long long>(value));
  return fmt::format("{}", value);
}

void Registry::describe(std::string name, Type type, std::string help) {
  auto& f = families_[std::move(name)];
  f.type = type;
  f.help = std::move(help);
}

void Registry::describe_histogram(std::string name, std::string help, std::vector<double> bounds) {
  auto& f = families_[std::move(name)];
  f.type = Type::histogram;
  f.help = std::move(help);
  f.bounds = std::move(bounds);
}

Registry::Family& Registry::family(std::string_view name) {
  auto it = families_.find(name);
  // A typo in a metric name is a programming error, caught by the first test.
  if (it == families_.end())
    throw std::logic_error("metric not described: " + std::string(name));
  return it->second;
}

void Registry::add(std::string_view name, const Labels& labels, double delta) {
  family(name).series[label_block(labels)] += delta;
}

void Registry::set(std::string_view name, const Labels& labels, double value) {
  family(name).series[label_block(labels)] = value;
}

void Registry::observe(std::string_view name, const Labels& labels, double value) {
  Family& f = family(name);
  Histogram& h = f.histograms[label_block(labels)];
  if (h.counts.counts.empty()) {
    h.labels = labels;
    h.counts.counts.assign(f.bounds.size() + 1, 0);
  }
  std::size_t i = 0;
  while (i < f.bounds.size() && value > f.bounds[i])
    ++i;
  ++h.counts.counts[i];
  h.counts.sum += value;
  ++h.counts.count;
}

void Registry::set_histogram(std::string_view name, const Labels& labels,
                             const HistogramCounts& counts) {
  Family& f = family(name);
  if (counts.counts.size() != f.bounds.size() + 1)
    throw std::logic_error("histogram " + std::string(name) + ": bucket count mismatch");
  f.histograms[label_block(labels)] = Histogram{labels, counts};
}

double Registry::value(std::string_view name, const Labels& labels) const {
  auto it = families_.find(name);
  if (it == families_.end())
    return 0;
  auto s = it->second.series.find(label_block(labels));
  return s == it->second.series.end() ? 0 : s->second;
}

void Registry::add_collector(std::function<void(Registry&)> collector) {
  collectors_.push_back(std::move(collector));
}

std::string Registry::render() {
  for (auto& collect : collectors_)
    collect(*this);
  std::string out;
  for (const auto& [name, f] : families_) {
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, f.help, name,
                       f.type == Type::counter ? "counter"
                       : f.type == Type::gauge ? "gauge"
                                               : "histogram");
    for (const auto& [labels, value] : f.series)
      out += fmt::format("{}{} {}\n", name, labels, format_value(value));
    for (const auto& [block, h] : f.histograms) {
      std::uint64_t cumulative = 0;
      for (std::size_t i = 0; i <= f.bounds.size(); ++i) {
        cumulative += h.counts.counts[i];
        Labels with_le = h.labels;
        with_le.emplace_back("le", i < f.bounds.size() ? format_value(f.bounds[i]) : "+Inf");
        out += fmt::format("{}_bucket{} {}\n", name, label_block(with_le), cumulative);
      }
      out += fmt::format("{}_sum{} {}\n", name, block, format_value(h.counts.sum));
      out += fmt::format("{}_count{} {}\n", name, block, h.counts.count);
    }
  }
  return out;
}

}  // namespace zohosync::daemon::metrics
