#pragma once
// ntpq's option presets, as classic's ntpq takes them: $HOME/.ntprc, then
// ./.ntprc (unless --no-load-opts), files named by --load-opts, then NTPQ_*
// environment variables, all in front of the command line; and
// --save-opts[=FILE] (default ./.ntprc), which writes the options in force
// and exits. The rc format and variable names are in libntp/util/option_presets.

#include <getopt.h>

#include <string>
#include <vector>

namespace ntpq {

struct PresetArgs {
    std::vector<std::string> args;  // argv[0], presets, then the command line
    std::string error;              // unreadable --load-opts file
};

// `options`: getopt_long's table (terminated by a null name); the preset
// and help options themselves are never taken from presets.
PresetArgs with_presets(int argc, char** argv, const option* options);

// Writes the rc file for the options parsed from `args` (long names in
// table order, each flag once, every value of a repeated option).
// Returns "" or the error text.
std::string save_options(const std::string& path, const std::vector<std::pair<std::string, std::string>>& used,
                         const option* options, const std::string& title);

}  // namespace ntpq
