#pragma once

// Renders the OPTIONS part of zohosync.toml(5) from config::schema(), so the
// installed manual lists exactly the options the loader accepts, with their
// real defaults. The prose around it lives in zohosync.toml.5.in.

#include <string>
#include <string_view>
#include <vector>

#include "config/schema.hpp"

namespace zohosync::man {

// Text made safe for one roff line: backslashes and minus signs escaped, a
// leading control character neutralised, `code` spans set in bold.
std::string roff_escape(std::string_view text);

// One .SS section per TOML table (in schema order), one .TP entry per option
// tagged with its full key path, followed by its type, default and whether a
// SIGHUP reload applies it.
std::string render_options(const std::vector<config::OptionInfo>& options);

// The template with "@ZOHOSYNC_VERSION@" replaced by `version` and the line
// "@ZOHOSYNC_OPTIONS@" replaced by render_options(options). Throws
// std::runtime_error when the template has no options line.
std::string render_page(std::string_view page_template, std::string_view version,
                        const std::vector<config::OptionInfo>& options);

}  // namespace zohosync::man
