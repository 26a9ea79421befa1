// What the service writes to stderr: plain lines on a terminal, "<N>" syslog
// priorities when stderr is the journal, one JSON object per line when asked;
// and the fields a JSON record goes to journald with when stderr is the journal.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "daemon/logging.hpp"
#include "daemon/progress_bar.hpp"

namespace fs = std::filesystem;
namespace logging = zohosync::daemon::logging;

namespace {

// Points fd 2 at a temporary file for the lifetime of the object.
class StderrCapture {
 public:
  StderrCapture() {
    std::string pattern = (fs::temp_directory_path() / "zohosync-log-XXXXXX").string();
    fd_ = mkstemp(pattern.data());
    REQUIRE(fd_ >= 0);
    path_ = pattern;
    std::fflush(stderr);
    saved_ = dup(STDERR_FILENO);
    dup2(fd_, STDERR_FILENO);
  }
  ~StderrCapture() {
    restore();
    close(fd_);
    fs::remove(path_);
  }
  void restore() {
    if (saved_ < 0)
      return;
    std::fflush(stderr);
    dup2(saved_, STDERR_FILENO);
    close(saved_);
    saved_ = -1;
  }
  std::string text() {
    restore();
    std::ifstream in(path_);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }
  // The "DEV:INODE" journald would put into $JOURNAL_STREAM for this file.
  std::string journal_stream_id() const {
    struct stat st {};
    fstat(fd_, &st);
    return std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino);
  }

 private:
  int fd_ = -1;
  int saved_ = -1;
  fs::path path_;
};

// A record of `component` at `level`, logged at 2026-03-04T05:06:07.089Z.
spdlog::details::log_msg record(const char* component, spdlog::level::level_enum level,
                                const char* message) {
  using namespace std::chrono;
  const auto time =
      sys_days(year(2026) / 3 / 4) + hours(5) + minutes(6) + seconds(7) + milliseconds(89);
  return spdlog::details::log_msg(time_point_cast<spdlog::log_clock::duration>(time),
                                  spdlog::source_loc{}, component, level, message);
}

}  // namespace

TEST_CASE("log levels parse by name") {
  CHECK(logging::parse_level("trace") == spdlog::level::trace);
  CHECK(logging::parse_level("error") == spdlog::level::err);
  CHECK_FALSE(logging::parse_level("loud").has_value());
}

TEST_CASE("json format writes one parseable object per line, escaped") {
  StderrCapture capture;
  logging::init(logging::Format::json, spdlog::level::info);
  logging::get("crm")->info("updated \"Ann\"\nsecond line");
  logging::get("crm")->debug("below the level");
  auto text = capture.text();
  REQUIRE(text.find('\n') == text.size() - 1);  // exactly one line
  auto doc = boost::json::parse(text).as_object();
  CHECK(doc["level"] == "info");
  CHECK(doc["component"] == "crm");
  CHECK(doc["message"] == "updated \"Ann\"\nsecond line");
  CHECK(doc.contains("time"));
}

TEST_CASE("stderr connected to the journal gets syslog priority prefixes") {
  StderrCapture capture;
  ::setenv("JOURNAL_STREAM", capture.journal_stream_id().c_str(), 1);
  CHECK(logging::stderr_is_journal());
  logging::init(logging::effective_format(logging::Format::text), spdlog::level::info);
  logging::get("engine")->warn("person quarantined");
  logging::get("engine")->info("cycle done");
  // Libraries below the daemon log through spdlog's default logger.
  spdlog::default_logger()->error("from a library");
  ::unsetenv("JOURNAL_STREAM");
  CHECK(capture.text() ==
        "<4>engine: person quarantined\n<6>engine: cycle done\n<3>zohosync: from a library\n");
}

TEST_CASE("a JOURNAL_STREAM naming another file means plain text") {
  ::setenv("JOURNAL_STREAM", "1:1", 1);
  CHECK_FALSE(logging::stderr_is_journal());
  CHECK(logging::effective_format(logging::Format::text) == logging::Format::text);
  CHECK(logging::effective_format(logging::Format::json) == logging::Format::json);
  ::unsetenv("JOURNAL_STREAM");
}

TEST_CASE("a json line has time, level, component and message, in that order") {
  CHECK(logging::json_line(record("crm", spdlog::level::warn, "updated \"Ann\"\tnow\n")) ==
        R"({"time":"2026-03-04T05:06:07.089Z","level":"warn","component":"crm",)"
        R"("message":"updated \"Ann\"\tnow\n"})");
  // Every control character is escaped, a backslash too; other bytes pass as they are.
  auto doc = boost::json::parse(
      logging::json_line(record("engine", spdlog::level::err, "a\x01b\\c \xc3\xa9")));
  CHECK(doc.at("message") == "a\x01b\\c \xc3\xa9");
  CHECK(doc.at("level") == "error");
}

TEST_CASE("a record goes to journald as its json line with priority and component fields") {
  CHECK(logging::journal_fields(record("engine", spdlog::level::warn, "person quarantined")) ==
        std::vector<std::string>{
            R"(MESSAGE={"time":"2026-03-04T05:06:07.089Z","level":"warn","component":"engine",)"
            R"("message":"person quarantined"})",
            "PRIORITY=4",
            "ZOHOSYNC_COMPONENT=engine",
        });
  // The priority is the one the "<N>" prefix of the journal format gives.
  struct Case {
    spdlog::level::level_enum level;
    const char* priority;
  };
  const Case cases[] = {
      {spdlog::level::trace, "PRIORITY=7"},     // debug: journald has nothing finer
      {spdlog::level::debug, "PRIORITY=7"},     // debug
      {spdlog::level::info, "PRIORITY=6"},      // info
      {spdlog::level::warn, "PRIORITY=4"},      // warning
      {spdlog::level::err, "PRIORITY=3"},       // err
      {spdlog::level::critical, "PRIORITY=2"},  // crit
  };
  for (const auto& c : cases) {
    CAPTURE(c.priority);
    CHECK(logging::journal_fields(record("cli", c.level, "x")).at(1) == c.priority);
  }
}

TEST_CASE("json with stderr connected to the journal goes to journald when journald is there") {
  StderrCapture capture;
  ::setenv("JOURNAL_STREAM", capture.journal_stream_id().c_str(), 1);
  // libsystemd drops records silently without journald's socket: json lines
  // on stderr then still reach whoever reads it.
  const bool journald = fs::exists("/run/systemd/journal/socket");
  CHECK(logging::effective_format(logging::Format::json) ==
        (journald ? logging::Format::journal_json : logging::Format::json));
  CHECK(logging::effective_format(logging::Format::text) == logging::Format::journal);
  ::unsetenv("JOURNAL_STREAM");
}

TEST_CASE("a log line during a progress bar starts on a cleared line, the bar drawn again below") {
  constexpr std::string_view kClear = "\r\033[K";
  StderrCapture capture;
  logging::init(logging::Format::text, spdlog::level::info);
  {
    zohosync::daemon::ProgressBar bar(true);
    bar.update("listing", 0, 5);
    logging::get("crm")->warn("slow answer");
    bar.update("listing", 5, 5);
  }
  logging::get("crm")->info("after the bar");
  // Split where the line is cleared ("\r\033[K"): what follows each clear
  // starts at column 0.
  const std::string text = capture.text();
  CAPTURE(text);
  std::vector<std::string> pieces;
  for (std::size_t from = 0;;) {
    const auto at = text.find(kClear, from);
    pieces.push_back(text.substr(from, at == std::string::npos ? at : at - from));
    if (at == std::string::npos)
      break;
    from = at + kClear.size();
  }
  REQUIRE(pieces.size() == 6);
  CHECK(pieces[0] == "");
  CHECK(pieces[1] == "listing [------------------------------] 0/5");
  // The log line on a line of its own, then the bar as it stood ...
  CHECK(pieces[2].ends_with(" warn crm: slow answer\n"));
  CHECK(pieces[2].find('\n') == pieces[2].size() - 1);
  CHECK(pieces[3] == pieces[1]);
  CHECK(pieces[4] == "listing [##############################] 5/5");
  // ... and once the bar is gone, log lines follow its cleared line.
  CHECK(pieces[5].ends_with(" info crm: after the bar\n"));
}
