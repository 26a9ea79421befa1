#pragma once
// The daemon's status page (GET / on its loopback listener): the /status
// document (status_document.hpp) as one small read-only HTML page,
// server-rendered, that reloads itself and loads nothing else (no script, no
// external style, font or image), so it works from a browser on an SSH
// tunnel with no internet.

#include <boost/json/object.hpp>

#include <string>

namespace zohosync::daemon {

// `refresh_s`: how often the page reloads itself.
std::string render_status_page(const boost::json::object& status, int refresh_s = 10);

}  // namespace zohosync::daemon
