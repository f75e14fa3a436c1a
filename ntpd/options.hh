#pragma once
// ntpd's command line: the classic ntpd 4.2.8 options (short and long forms,
// `--opt=val` and `--opt val`, grouped short flags `-gnx`, `-cFILE`), extra
// arguments = servers, plus our extensions:
//   --configtest        load the configuration, print diagnostics, exit 0/1
//   --no-adjust         run the full discipline against a clock that changes nothing
//   --hwclock[=SECONDS] keep the RTC in step once synchronised (default 660 s)
//   --source-port=123|random  poll servers from port 123 instead of random ports
//   --seccomp           install the system-call allow-list (ntpd/seccomp.hh)
//
// Parsing is pure: no I/O, no exit(). main() prints and exits.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "libntp/config/ntp_config.hh"

namespace ntpd {

inline constexpr const char* default_config_path = "/etc/ntp.conf";

struct Options {
    // -4 / -6
    bool ipv4_only = false;
    bool ipv6_only = false;
    // -a (enable auth) / -A (disable auth); nullopt = neither given
    std::optional<bool> authreq;
    bool bcastsync = false;                        // -b
    std::string config_file = default_config_path; // -c
    int debug_level = 0;                           // -d (repeatable) / -D N
    std::optional<std::string> driftfile;          // -f
    bool panicgate = false;                        // -g
    bool force_step_once = false;                  // -G
    std::optional<std::string> jaildir;            // -i
    std::vector<std::string> interfaces;           // -I (repeatable)
    std::optional<std::string> keyfile;            // -k
    std::optional<std::string> logfile;            // -l
    bool novirtualips = false;                     // -L
    bool mdns = false;                             // -m
    bool modifymmtimer = false;                    // -M (Windows only; accepted, ignored)
    bool nofork = false;                           // -n
    bool nice = false;                             // -N
    std::optional<std::string> pidfile;            // -p
    std::optional<int> priority;                   // -P
    bool quit = false;                             // -q
    std::optional<double> propagation_delay_s;     // -r
    std::optional<std::string> saveconfigquit;     // --saveconfigquit FILE
    std::optional<std::string> statsdir;           // -s
    std::vector<std::uint32_t> trusted_keys;       // -t (repeatable)
    std::optional<std::string> user;               // -u user[:group]
    std::optional<int> update_interval_s;          // -U
    std::vector<std::string> vars;                 // --var name=value
    std::vector<std::string> dvars;                // --dvar name=value
    std::optional<int> wait_sync_s;                // -w
    bool slew = false;                             // -x

    bool help = false;       // -? / --help
    bool more_help = false;  // -! / --more-help
    bool version = false;    // --version

    // Extensions.
    bool configtest = false;
    bool no_adjust = false;
    std::optional<int> hwclock_interval_s;  // set by --hwclock[=SECONDS]
    bool source_port_123 = false;           // --source-port=123 (default: random)
    bool seccomp = false;                   // --seccomp

    std::vector<std::string> servers;  // extra arguments: `server ARG iburst`

    // Would classic ntpd stay in the foreground (-n, -q, -d/-D, --saveconfigquit)?
    bool stays_in_foreground() const;
};

struct OptionsResult {
    bool ok = false;
    Options options;
    std::string error;  // "ntpd: ..." usage message when !ok (main exits 1)
};

// argv[0] is skipped.
OptionsResult parse_options(const std::vector<std::string>& args);
OptionsResult parse_options(int argc, const char* const* argv);

// Classic's NTPD_* environment presets (NTPD_DRIFTFILE=/x, NTPD_NOFORK=1)
// as --name[=value] arguments after argv[0], before the command line (which
// wins). Our own extension options have no presets.
std::vector<std::string> with_environment_presets(
    const std::vector<std::string>& args,
    const std::function<std::optional<std::string>(const std::string&)>& getenv);

std::string usage_text();    // --help
std::string version_text();  // --version, e.g. "ntpd ntp-suite 0.1.0 ..."

// Folds the command-line settings that classic ntpd treats as configuration
// into `config`: servers (iburst, -4/-6 applied), -t trusted keys,
// --var/--dvar, -a/-A, -b; and -x (tinker step 600), -r, -f/-k/-l/-p/-s and
// --hwclock only where the file did not set them (classic reads the command
// line first, so the configuration file wins).
void apply_to_config(const Options& options, ntp::config::NtpConfig& config);

}  // namespace ntpd
