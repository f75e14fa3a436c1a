#pragma once
// ntpdate's command line: the classic letters (ntpdate.md section 1) parsed
// like classic's getopt ("46a:bBde:k:o:p:qst:uv", grouped flags, attached or
// separate arguments, options end at the first server name or "--"), plus
// -U USER from Red Hat's ntpdate (their /etc/sysconfig/ntpdate passes
// "-U ntp -s -b"), plus long options of ours, accepted anywhere before "--":
//   --hwclock      copy the system time to the RTC after a successful set
//   --clock=null   (tests) adjust a NullClock instead of the kernel clock,
//                  and write a simulated RTC instead of /dev/rtc

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "libntp/oneshot/network.hh"
#include "libntp/oneshot/sample_filter.hh"

namespace ntpdate {

using AddressFamily = ntp::oneshot::AddressFamily;
enum class ClockBackend { kernel, null };

struct Options {
    AddressFamily family = AddressFamily::any;  // -4 / -6
    std::optional<std::uint32_t> auth_key;      // -a N
    bool always_step = false;                   // -b
    bool never_step = false;                    // -B
    int debug = 0;                              // -d, repeatable
    ntp::oneshot::Lfp auth_delay = 0;     // -e, fraction of a second
    std::string key_file = "/etc/ntp.keys";     // -k
    int version = 4;                            // -o
    int samples = ntp::oneshot::default_samples;  // -p
    bool query_only = false;                    // -q
    bool use_syslog = false;                    // -s
    // -t: classic keeps the timeout in 0.2 s ticks, at least 1 s; default 2 s.
    int timeout_ticks = 10;
    bool unprivileged_port = false;             // -u
    bool verbose = false;                       // -v
    std::optional<std::string> run_as;          // -U user[:group] (Red Hat)
    bool hwclock = false;                       // --hwclock
    ClockBackend clock = ClockBackend::kernel;  // --clock=
    std::vector<std::string> servers;

    double timeout_s() const { return timeout_ticks / 5.0; }
    // -q and -d never touch the clock and never bind port 123.
    bool dry_run() const { return query_only || debug > 0; }
};

struct ParsedOptions {
    std::optional<Options> options;    // set when the command line is usable
    std::vector<std::string> errors;   // lines for stderr, usage line last; exit 2
};

// `args` excludes argv[0]; `progname` prefixes the error lines.
ParsedOptions parse_options(std::span<const std::string> args, std::string_view progname);

// "usage: ntpdate [-46bBdqsuv] [-a key#] [-e delay] [-k file] [-p samples] [-o version#] [-t timeo] server ..."
std::string usage_line(std::string_view progname);

// Classic atolfp: optional sign, decimal digits, optional fraction. nullopt
// for anything else.
std::optional<ntp::oneshot::Lfp> parse_decimal_lfp(std::string_view text);

}  // namespace ntpdate
