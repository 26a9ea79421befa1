#include "config/secrets.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace zohosync::config::detail {
namespace {

// Secrets are single tokens; editors and `echo` add a trailing newline.
void trim(std::string& text) {
  auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!text.empty() && is_space(text.back()))
    text.pop_back();
  std::size_t start = 0;
  while (start < text.size() && is_space(text[start]))
    ++start;
  text.erase(0, start);
}

enum class ReadOutcome { ok, missing, unreadable };

ReadOutcome read_small_file(const std::string& path, std::string* content, std::string* why) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    *why = std::strerror(errno);
    return errno == ENOENT ? ReadOutcome::missing : ReadOutcome::unreadable;
  }
  char buffer[4096];
  content->clear();
  while (true) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      *why = std::strerror(errno);
      ::close(fd);
      return ReadOutcome::unreadable;
    }
    if (n == 0)
      break;
    content->append(buffer, static_cast<std::size_t>(n));
    if (content->size() > 64 * 1024) {
      *why = "larger than 64 KiB";
      ::close(fd);
      return ReadOutcome::unreadable;
    }
  }
  ::close(fd);
  // Wipe the stack copy of the last chunk.
  volatile char* p = buffer;
  for (std::size_t i = 0; i < sizeof buffer; ++i)
    p[i] = 0;
  return ReadOutcome::ok;
}

std::string octal_mode(mode_t mode) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
  return text;
}

}  // namespace

SecretLookup find_secret(const std::string& file, std::string_view credential,
                         std::string_view env_var) {
  SecretLookup result;
  std::string content;
  std::string why;

  if (!file.empty()) {
    struct stat st {};
    if (::stat(file.c_str(), &st) != 0) {
      result.tried.push_back("file " + file + " (" + std::strerror(errno) + ")");
    } else if (!S_ISREG(st.st_mode)) {
      result.refusal = "secret file " + file + " is not a regular file";
      return result;
    } else if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
      result.refusal = "secret file " + file + " is accessible by group or others (mode " +
                       octal_mode(st.st_mode) + "); refusing it: run chmod 600 " + file;
      return result;
    } else {
      switch (read_small_file(file, &content, &why)) {
        case ReadOutcome::ok:
          trim(content);
          if (content.empty()) {
            result.refusal = "secret file " + file + " is empty";
            return result;
          }
          result.value = Secret(std::move(content));
          result.source = "file " + file;
          return result;
        case ReadOutcome::unreadable:
          result.unreadable = "secret file " + file + " cannot be read: " + why;
          [[fallthrough]];
        case ReadOutcome::missing:
          result.tried.push_back("file " + file + " (" + why + ")");
          break;
      }
    }
  }

  const char* credentials = std::getenv("CREDENTIALS_DIRECTORY");
  if (credentials != nullptr && *credentials != '\0') {
    std::string path = std::string(credentials) + "/" + std::string(credential);
    switch (read_small_file(path, &content, &why)) {
      case ReadOutcome::ok:
        trim(content);
        if (content.empty()) {
          result.refusal = "credential " + path + " is empty";
          return result;
        }
        result.value = Secret(std::move(content));
        result.source = "credential " + path;
        return result;
      case ReadOutcome::missing:
      case ReadOutcome::unreadable:
        result.tried.push_back("credential " + path + " (" + why + ")");
        break;
    }
  } else {
    result.tried.push_back("$CREDENTIALS_DIRECTORY (not set)");
  }

  const std::string env_name(env_var);
  const char* env = std::getenv(env_name.c_str());
  std::string value = env != nullptr ? env : "";
  trim(value);
  if (!value.empty()) {
    result.value = Secret(std::move(value));
    result.source = "environment " + env_name;
    return result;
  }
  result.tried.push_back("$" + env_name + " (not set)");
  return result;
}

}  // namespace zohosync::config::detail
