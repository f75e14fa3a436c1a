#pragma once
// `ntpd --configtest` and `ntpd --saveconfigquit FILE`: load the configuration
// with the daemon's own code (libntp/config), report, and exit. Host names are
// never resolved here, so both run offline and fast.

#include <iosfwd>
#include <string>
#include <vector>

#include "libntp/config/file_reader.hh"
#include "libntp/config/parser.hh"
#include "ntpd/options.hh"

namespace ntpd {

// Start-up conflicts classic ntpd treats as fatal, e.g. interface rules with
// -I/-L. Each entry is a complete message.
std::vector<std::string> startup_conflicts(const Options& options,
                                           const ntp::config::NtpConfig& config);

// Prints every diagnostic to `err`, one summary line to `out`. Returns the
// exit status: 0 when no line was rejected (warnings allowed), else 1.
int run_configtest(const Options& options, const ntp::config::FileReader& reader,
                   std::ostream& out, std::ostream& err);

// Loads the configuration, prints diagnostics to `err` and writes the
// normalized configuration to options.saveconfigquit. Returns 0 when the file
// was written and no line was rejected, else 1 (the file is still written
// when only some lines were rejected).
int run_saveconfigquit(const Options& options, const ntp::config::FileReader& reader,
                       std::ostream& err);

}  // namespace ntpd
