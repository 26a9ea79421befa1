#include "daemon/logging.hpp"

#include <spdlog/details/os.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <sys/uio.h>
// The source location libsystemd would add is this file's, not the caller's.
#define SD_JOURNAL_SUPPRESS_LOCATION
#include <systemd/sd-journal.h>
#include <unistd.h>

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/progress_bar.hpp"

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

// The line a record is on stderr, in every format but journal_json (which
// falls back to json's line).
std::string stderr_line(const spdlog::details::log_msg& msg, Format format) {
  std::string_view payload(msg.payload.data(), msg.payload.size());
  std::string_view logger(msg.logger_name.data(), msg.logger_name.size());
  std::string line;
  line.reserve(payload.size() + 64);
  switch (format) {
    case Format::journal:
      line += '<';
      line += std::to_string(syslog_priority(msg.level));
      line += '>';
      line += logger;
      line += ": ";
      line += payload;
      break;
    case Format::json:
    case Format::journal_json:
      line = json_line(msg);
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
  return line;
}

// journald's native socket. libsystemd drops a record silently when it is
// missing, so its presence decides journal_json up front.
constexpr const char* kJournalSocket = "/run/systemd/journal/socket";

// False when journald refused the record (a socket we may not write to, a
// record too large for it).
bool send_to_journal(const std::vector<std::string>& fields) {
  std::vector<iovec> items;
  items.reserve(fields.size());
  for (const auto& field : fields)
    items.push_back({const_cast<char*>(field.data()), field.size()});
  return sd_journal_sendv(items.data(), static_cast<int>(items.size())) >= 0;
}

// Writes every record in the chosen format: to stderr, or to journald in
// journal_json. A sink of our own (rather than pattern strings or spdlog's
// systemd sink) because the journal format needs the numeric priority, which
// patterns do not offer, and journal_json needs the component as a field and
// stderr when journald refuses a record, which the systemd sink does not offer.
class RecordSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  explicit RecordSink(Format format) : format_(format) {}
  void set_format(Format format) {
    std::lock_guard lock(mutex_);
    format_ = format;
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    if (format_ == Format::journal_json && send_to_journal(journal_fields(msg)))
      return;
    // Above `reconcile`'s progress bar, when one is drawn on this stderr.
    write_above_progress_bar(stderr_line(msg, format_));
  }
  void flush_() override { std::fflush(stderr); }

 private:
  Format format_;
};

struct State {
  std::mutex mutex;
  std::shared_ptr<RecordSink> sink;
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
  if (!stderr_is_journal())
    return configured;
  switch (configured) {
    case Format::text:
      return Format::journal;
    case Format::json:
      return access(kJournalSocket, F_OK) == 0 ? Format::journal_json : Format::json;
    case Format::journal:
    case Format::journal_json:
      break;
  }
  return configured;
}

std::string json_line(const spdlog::details::log_msg& msg) {
  // Room for a typical record, so most lines allocate only their result.
  unsigned char buffer[1024];
  boost::json::monotonic_resource resource(buffer, sizeof buffer);
  boost::json::object record(&resource);
  // Insertion order is the key order of the line.
  record.emplace("time", iso_time(msg.time));
  record.emplace("level", level_name(msg.level));
  record.emplace("component",
                 boost::json::string_view(msg.logger_name.data(), msg.logger_name.size()));
  record.emplace("message", boost::json::string_view(msg.payload.data(), msg.payload.size()));
  return boost::json::serialize(record);
}

std::vector<std::string> journal_fields(const spdlog::details::log_msg& msg) {
  return {
      "MESSAGE=" + json_line(msg),
      "PRIORITY=" + std::to_string(syslog_priority(msg.level)),
      "ZOHOSYNC_COMPONENT=" + std::string(msg.logger_name.data(), msg.logger_name.size()),
  };
}

void init(Format format, spdlog::level::level_enum level) {
  auto& s = state();
  std::lock_guard lock(s.mutex);
  if (!s.sink) {
    s.sink = std::make_shared<RecordSink>(format);
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
    s.sink = std::make_shared<RecordSink>(effective_format(Format::text));
  auto logger = std::make_shared<spdlog::logger>(name, s.sink);
  logger->set_level(s.level);
  spdlog::register_logger(logger);
  return logger;
}

}  // namespace zohosync::daemon::logging
