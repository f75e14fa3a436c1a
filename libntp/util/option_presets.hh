#pragma once
// Option presets as classic's tools take them (their AutoOpts option
// library): before the command line, options come from rc files
// (`name value`, `name = value` or a bare `name` per line, `#` comments,
// `[PROGRAM]` sections) and from environment variables PROGRAM_NAME
// (`NTPQ_NUMERIC=1`, `NTPQ_COMMAND=rv`, `NTPD_DRIFTFILE=/x`). Presets are
// turned into `--name[=value]` arguments placed in front of the real ones,
// so the command line wins. `--save-opts` writes the options in use back in
// the rc format.
//
// Pure functions: the environment and file contents are passed in.

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ntp::util {

struct PresetOption {
    std::string long_name;  // "numeric", "set-debug-level"
    bool takes_value = false;
};

// "NTPQ_" + "SET_DEBUG_LEVEL" for ("ntpq", "set-debug-level").
std::string preset_variable(std::string_view program, std::string_view long_name);

// Arguments from PROGRAM_* variables, in the order of `options`. A flag
// takes any value but an empty one; an option with a value takes it as is.
std::vector<std::string> presets_from_environment(
    std::string_view program, const std::vector<PresetOption>& options,
    const std::function<std::optional<std::string>(const std::string&)>& getenv);

// Arguments from one rc file's text: lines before any [section] and those in
// [PROGRAM] (any case) apply; unknown names are skipped.
std::vector<std::string> presets_from_rc(std::string_view program, std::string_view text,
                                         const std::vector<PresetOption>& options);

// The rc file --save-opts writes: classic's comment header, then one line
// per option (`name` or `name = value`, value column at 21 as classic).
// `settings` holds (long_name, value or "") pairs in command-line order.
std::string rc_file_text(std::string_view title, std::string_view date,
                         const std::vector<std::pair<std::string, std::string>>& settings);

}  // namespace ntp::util
