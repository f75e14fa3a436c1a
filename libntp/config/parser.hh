#pragma once
// The ntp.conf parser: text in, NtpConfig plus diagnostics out.
//
// Classic leniency: a malformed line gives one error diagnostic and is dropped
// as a whole (nothing from it reaches the NtpConfig); parsing goes on with the
// next line. Questionable but usable input gives a warning and is kept
// (possibly clamped). Nothing here throws on bad input, resolves host names
// or touches the network; files are read only through the FileReader.

#include <string>
#include <string_view>
#include <vector>

#include "libntp/config/diagnostic.hh"
#include "libntp/config/file_reader.hh"
#include "libntp/config/ntp_config.hh"

namespace ntp::config {

// includefile nesting limit (classic MAXINCLUDELEVEL): the main file is level
// 0, so at most 5 nested includefiles.
constexpr int max_include_depth = 5;

struct LoadResult {
    NtpConfig config;
    std::vector<Diagnostic> diagnostics;  // in the order found
    int errors = 0;                       // lines (or files) rejected
    int warnings = 0;
    bool main_file_opened = false;        // false: classic runs with no configuration
    int lines_read = 0;                   // all files together
    int files_read = 0;                   // main file + includefiles opened
};

// Reads `path` through `reader` and parses it. A missing main file gives an
// error diagnostic at "PATH" (line 0) and an empty config.
LoadResult load_config(const std::string& path, const FileReader& reader);

// Parses `text` as if it were the file `file_name`; includefiles are read
// through `reader` (pass an empty FileReader to treat every include as missing).
LoadResult parse_config_text(std::string_view text, const std::string& file_name,
                             const FileReader& reader);

}  // namespace ntp::config
