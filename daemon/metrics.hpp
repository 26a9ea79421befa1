#pragma once
// The daemon's metrics: a small registry of counters, gauges and histograms with labels,
// rendered in the Prometheus text exposition format (version 0.0.4) for
// /metrics. Values sampled from elsewhere (API client counters, the state
// store's table sizes) are refreshed by collectors just before each render,
// so a scrape never reads a stale copy and the hot path never pays for them.
//
// Not thread-safe: the daemon runs everything on one io_context thread.
// Hand-written: prometheus-cpp (Debian's prometheus-cpp-dev) would add a
// registry and, to serve it, an HTTP server of its own (civetweb), where the
// daemon's loopback listener already serves /metrics; the text format of a
// few dozen series is a page of code.

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace zohosync::daemon::metrics {

// (name, value) pairs; rendered in the order given.
using Labels = std::vector<std::pair<std::string, std::string>>;

enum class Type { counter, gauge, histogram };

// A histogram's buckets as kept elsewhere, copied in at scrape time: one
// count per bucket (not cumulative), the last above every bound.
struct HistogramCounts {
  std::vector<std::uint64_t> counts;
  double sum = 0;
  std::uint64_t count = 0;
};

class Registry {
 public:
  // Every metric is declared once with its help text. Names get no prefix
  // here: callers use the full name ("zohosync_cycles_total").
  void describe(std::string name, Type type, std::string help);
  // A histogram: `bounds` are the buckets' upper bounds, ascending (+Inf is added).
  void describe_histogram(std::string name, std::string help, std::vector<double> bounds);

  // Counters only go up; `delta` must not be negative.
  void add(std::string_view name, const Labels& labels, double delta = 1);
  void set(std::string_view name, const Labels& labels, double value);
  // Histograms: one observation, or the whole of one kept elsewhere.
  void observe(std::string_view name, const Labels& labels, double value);
  void set_histogram(std::string_view name, const Labels& labels, const HistogramCounts& counts);
  // 0 for a series never written (tests, health checks).
  double value(std::string_view name, const Labels& labels = {}) const;

  // Called at the start of every render(), in the order added.
  void add_collector(std::function<void(Registry&)> collector);

  // Runs the collectors, then prints every described metric (HELP, TYPE,
  // then one line per series, sorted by labels). A described metric with no
  // series yet prints only its HELP and TYPE lines.
  std::string render();

 private:
  struct Histogram {
    Labels labels;
    HistogramCounts counts;
  };
  struct Family {
    Type type = Type::counter;
    std::string help;
    std::map<std::string, double> series;  // rendered label block ("{a=\"b\"}" or "") -> value
    std::vector<double> bounds;            // histograms only
    std::map<std::string, Histogram> histograms;  // by label block, histograms only
  };
  Family& family(std::string_view name);

  std::map<std::string, Family, std::less<>> families_;
  std::vector<std::function<void(Registry&)>> collectors_;
};

// `{name="value",...}` with the value escaped as the format requires
// (backslash, double quote, line feed); "" for no labels.
std::string label_block(const Labels& labels);
// A sample value as Prometheus prints it (integers without a fraction, NaN, +Inf).
std::string format_value(double value);

}  // namespace zohosync::daemon::metrics
