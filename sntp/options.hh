#pragma once
// sntp's command line, as classic sntp 4.2.8 (AutoOpts) takes it: short
// flags (-4 -6 -a N -c HOST -g MS -K FILE -k FILE -M MS -o N -r -S -s -t S),
// their long names (--ipv4, --authentication=N, --timeout N, ...), --wait
// and --no-wait, then the servers. Pure: no I/O; errors come back as the
// texts classic prints on stderr (exit 1), the missing-server message as
// the one it prints on stdout (exit 64, EX_USAGE).

#include <optional>
#include <string>
#include <vector>

#include "libntp/oneshot/network.hh"

namespace sntp {

struct Options {
    ntp::oneshot::AddressFamily family = ntp::oneshot::AddressFamily::any;
    std::optional<long> auth_key;              // -a
    std::vector<std::string> concurrent;       // -c HOST (every address at once)
    int gap_ms = 50;                           // -g: between requests to one name's addresses
    std::string kod_file = "/var/db/ntp-kod";  // -K
    std::string key_file;                      // -k
    std::string log_file;                      // -l
    double steplimit_ms = 0;                   // -M; 0: -S with -s always steps
    int version = 4;                           // -o, 0..7
    bool reserved_port = false;                // -r
    bool step = false;                         // -S
    bool slew = false;                         // -s
    int timeout_s = 5;                         // -t
    // Wait for every address after the first answer. Classic's documented
    // default is to wait, but its code tests whether the option was given
    // at all, so it stops at the first answer unless --wait or --no-wait.
    bool wait = false;
    int debug = 0;                     // -d
    std::vector<std::string> servers;  // operands
};

struct ParsedOptions {
    std::optional<Options> options;
    std::vector<std::string> errors;  // stderr lines (usage included)
    std::string out;                  // stdout text (the no-server message)
    int exit_status = 0;              // when options is empty
};

ParsedOptions parse_options(const std::vector<std::string>& args, const std::string& progname);

}  // namespace sntp
