// What the service writes to stderr: plain lines on a terminal, "<N>" syslog
// priorities when stderr is the journal, one JSON object per line when asked.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include <boost/json.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "daemon/logging.hpp"

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
