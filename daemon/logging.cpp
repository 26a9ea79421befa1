#include "daemon/logging.hpp"

#include <spdlog/details/os.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <mutex>
#include <string_view>

namespace zohosync::daemon::logging {
namespace {

// syslog(3) priorities, as journald reads them from a "<N>" line prefix.
int syslog_priority(spdlog::level::level_enum level) {
  switch (level) {
    case spdlog::level::trace:
    case spdlog::level::debug:
      return 7;
    case spdlog::level::info:
      return 6;
    case spdlog::level::warn:
      return 4;
    case spdlog::level::err:
      return 3;
    case spdlog::level::critical:
      return 2;
    default:
      return 6;
  }
}

std::string_view level_name(spdlog::level::level_enum level) {
  switch (level) {
    case spdlog::level::trace:
      return "trace";
    case spdlog::level::debug:
      return "debug";
    case spdlog::level::info:
      return "info";
    case spdlog::level::warn:
      return "warn";
    case spdlog::level::err:
      return "error";
    case spdlog::level::critical:
      return "critical";
    default:
      return "off";
  }
}

void append_json_string(std::string& out, std::string_view s) {
  out += '"';
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
}

std::string iso_time(spdlog::log_clock::time_point tp) {
  auto secs = std::chrono::time_point_cast<std::chrono::seconds>(tp);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(tp - secs).count();
  std::time_t t = spdlog::log_clock::to_time_t(tp);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  return fmt::format("{}.{:03d}Z", std::string_view(buf, n), static_cast<int>(ms));
}

// Writes every record as one line to stderr in the chosen format. A sink of
// our own (rather than pattern strings) because JSON needs escaping and the
// journal format needs the numeric priority, neither of which patterns offer.
class StderrSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  explicit StderrSink(Format format) : format_(format) {}
  void set_format(Format format) {
    std::lock_guard lock(mutex_);
    format_ = format;
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    std::string_view payload(msg.payload.data(), msg.payload.size());
    std::string_view logger(msg.logger_name.data(), msg.logger_name.size());
    std::string line;
    line.reserve(payload.size() + 64);
    switch (format_) {
      case Format::journal:
        line += '<';
        line += std::to_string(syslog_priority(msg.level));
        line += '>';
        line += logger;
        line += ": ";
        line += payload;
        break;
      case Format::json:
        line += "{\"time\":\"";
        line += iso_time(msg.time);
        line += "\",\"level\":\"";
        line += level_name(msg.level);
        line += "\",\"component\":";
        append_json_string(line, logger);
        line += ",\"message\":";
        append_json_string(line, payload);
        line += '}';
        break;
      case Format::text:
        line += iso_time(msg.time);
        line += ' ';
        line += level_name(msg.level);
        line += ' ';
        line += logger;
        line += ": ";
        line += payload;
        break;
    }
    line += '\n';
    std::fwrite(line.data(), 1, line.size(), stderr);
  }
  void flush_() override { std::fflush(stderr); }

 private:
  Format format_;
};

struct State {
  std::mutex mutex;
  std::shared_ptr<StderrSink> sink;
  spdlog::level::level_enum level = spdlog::level::info;
};

State& state() {
  static State s;
  return s;
}

}  // namespace

std::optional<spdlog::level::level_enum> parse_level(std::string_view name) {
  if (name == "trace")
    return spdlog::level::trace;
  if (name == "debug")
    return spdlog::level::debug;
  if (name == "info")
    return spdlog::level::info;
  if (name == "warn" || name == "warning")
    return spdlog::level::warn;
  if (name == "error")
    return spdlog::level::err;
  return std::nullopt;
}

bool stderr_is_journal() {
  const char* stream = std::getenv("JOURNAL_STREAM");
  if (stream == nullptr)
    return false;
  unsigned long long dev = 0, ino = 0;
  if (std::sscanf(stream, "%llu:%llu", &dev, &ino) != 2)
    return false;
  struct stat st {};
  if (fstat(STDERR_FILENO, &st) != 0)
    return false;
  return static_cast<unsigned long long>(st.st_dev) == dev &&
         static_cast<unsigned long long>(st.st_ino) == ino;
}

Format effective_format(Format configured) {
  if (configured == Format::text && stderr_is_journal())
    return Format::journal;
  return configured;
}

void init(Format format, spdlog::level::level_enum level) {
  auto& s = state();
  std::lock_guard lock(s.mutex);
  if (!s.sink) {
    s.sink = std::make_shared<StderrSink>(format);
  } else {
    s.sink->set_format(format);
  }
  s.level = level;
  // The default logger shares the sink, so libraries below the daemon that log
  // through spdlog's default logger (or clones of it) get the same format.
  if (!spdlog::get("zohosync")) {
    auto fallback = std::make_shared<spdlog::logger>("zohosync", s.sink);
    spdlog::set_default_logger(fallback);
  }
  spdlog::set_level(level);
  spdlog::apply_all([level](const std::shared_ptr<spdlog::logger>& l) { l->set_level(level); });
  // Warnings and errors reach stderr at once; info and below are flushed by
  // the C library's stderr (unbuffered) anyway.
  spdlog::flush_on(spdlog::level::warn);
}

std::shared_ptr<spdlog::logger> get(const std::string& name) {
  auto& s = state();
  std::lock_guard lock(s.mutex);
  if (auto existing = spdlog::get(name))
    return existing;
  if (!s.sink)
    s.sink = std::make_shared<StderrSink>(effective_format(Format::text));
  auto logger = std::make_shared<spdlog::logger>(name, s.sink);
  logger->set_level(s.level);
  spdlog::register_logger(logger);
  return logger;
}

}  // namespace zohosync::daemon::logging
