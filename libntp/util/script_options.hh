#pragma once
// Command lines read the way classic's perl tools (ntp-wait, ntptrace) read
// them: Getopt::Long as their generated option modules configure it. No
// bundling ("-n5" is an unknown option "n5"), no abbreviations, option names
// matched without regard to case, long names also after a single '-'
// ("-tries 5"), "name=value" or "name value", options and operands in any
// order, "--" ends the options. A mandatory value is the next argument
// whatever it looks like ("-n -v" is an invalid number). Errors do not stop
// the parse; each one gives Getopt::Long's warning text.
//
// Pure function, no I/O.

#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ntp::util {

struct ScriptOption {
    enum class Kind { flag, integer, string };
    std::string_view long_name;  // "tries"
    char short_name = 0;         // 'n'; 0 for none
    Kind kind = Kind::flag;
};

struct ScriptArgs {
    // By long name; flags are "1", integers in plain decimal ("+007" -> "7").
    // The last occurrence wins.
    std::map<std::string, std::string, std::less<>> values;
    std::vector<std::string> operands;
    // "Unknown option: x", "Option n requires an argument", ...
    std::vector<std::string> warnings;

    bool ok() const { return warnings.empty(); }
    bool has(std::string_view name) const { return values.contains(name); }
    long long integer(std::string_view name, long long fallback) const;
    std::string string(std::string_view name, std::string fallback) const;
};

ScriptArgs parse_script_options(std::span<const ScriptOption> options,
                                std::span<const std::string> args);

}  // namespace ntp::util
