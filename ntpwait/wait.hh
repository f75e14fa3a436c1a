#pragma once
// ntp-wait: wait until the local ntpd has synchronised the clock, the way
// classic's perl script does it, as pure logic so every line and exit code is
// unit tested. main.cc supplies the mode 6 read (the system status word of
// `rv 0`), the sleep and stdout.
//
// Classic reads `ntpq -c 'rv 0'` and looks only at the leap field of the
// status line:
//   leap_alarm                        not yet: mark progress, sleep, retry
//   leap_none / leap_add_sec / _del   synchronised: exit 0
//   no status line (no answer, an error reply, any ntpq failure)
//                                     "Leap status not avalaible" (sic), exit 1
//   every try was leap_alarm          exit 1 ("ntpd did not synchronize." with -v)
// Its "ntpd is not running!" branch looks for "Connection refused" on ntpq's
// stdout, where ntpq never prints it, so a refused query ends in the
// no-status-line case there too; this program prints what classic prints.

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace ntpwait {

struct Options {
    long long tries = 100;  // -n: reads before giving up
    long long sleep_s = 6;  // -s: seconds between reads
    bool verbose = false;   // -v
};

struct CommandLine {
    Options options;
    bool run = true;     // false: print `err` and exit with `exit_code`
    int exit_code = 0;
    std::string out;     // --more-help text
    std::string err;     // Getopt::Long warnings and the usage text
};

// Classic's options (-n/--tries, -s/--sleep, -v/--verbose, -?/--help,
// --more-help); operands are ignored as classic does.
CommandLine parse_command_line(std::span<const std::string> args);

std::string usage_text();

// The system status word of one `rv 0` reply, or nullopt when there was none.
using Probe = std::function<std::optional<std::uint16_t>()>;
using Sleep = std::function<void(long long seconds)>;
using Write = std::function<void(std::string_view)>;  // stdout, unbuffered

// The whole wait; returns the exit status.
int run(const Options& options, const Probe& probe, const Sleep& sleep, const Write& out);

}  // namespace ntpwait
