#pragma once
// ntptrace: follow the chain of synchronisation sources from one server to
// the primary, the way classic's perl script does, as pure logic so every
// line and stopping rule is unit tested. main.cc supplies the mode 6 reads
// and the name lookup.
//
// For each host: read its system variables (`rv 0`); print
//   "HOST: stratum S, offset O, synch distance D"      (", refid 'R'" at stratum 1)
// with O = offset/1000 and D = (rootdisp + rootdelay/2)/1000 in seconds
// (%f); stop at stratum 0, 1 or 16, at a refid 127.127.x.y, or after
// max-hosts hosts; otherwise read `srcadr` of the association named by the
// `peer` variable and go on there, unless it is empty or 127.127.x.y.
// A host that does not answer (or has no stratum) ends the trace silently;
// the exit status is 0 either way, as classic's.
//
// The values are those classic read from `ntpq -n` output: the refid and
// the source address as ntpq shows them (a reference clock refid reads
// "LOCAL(0)", so the 127.127 refid rule never fires there either), numbers
// converted the way perl converts strings.

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "libntp/client/var_parser.hh"

namespace ntptrace {

struct Options {
    bool numeric = false;         // -n: print addresses, no reverse lookup
    long long max_hosts = 99;     // -m
    std::string host = "127.0.0.1";  // -r, or the first operand
};

struct CommandLine {
    Options options;
    bool run = true;   // false: print `out`/`err`, exit with `exit_code`
    int exit_code = 0;
    std::string out;
    std::string err;
};

CommandLine parse_command_line(std::span<const std::string> args);
std::string usage_text();

// Perl's numeric value of a string: leading white space, then the longest
// decimal number (with exponent, inf, nan); anything else is 0.
double perl_number(std::string_view text);

// ntpq's cooked refid (RF) and host address (HA with -n) texts.
std::string refid_text(std::string_view raw);
std::string address_text(std::string_view raw);

struct HostInfo {
    double stratum = 0;
    double offset_s = 0;
    double sync_distance_s = 0;
    std::string refid;  // as ntpq shows it
    std::string peer;   // the `peer` variable: association ID of the system peer
};

// From a `rv 0` reply; nullopt without a stratum variable.
std::optional<HostInfo> host_info(const std::vector<ntp::client::Var>& vars);

std::string format_line(std::string_view shown_host, const HostInfo& info);

struct Io {
    // `rv 0` of a host, nullopt when it gave no answer.
    std::function<std::optional<std::vector<ntp::client::Var>>(const std::string& host)> read_system;
    // `srcadr` of association `peer` (its text, as ntptrace passes it to
    // ntpq) on a host, raw; nullopt when there is none.
    std::function<std::optional<std::string>(const std::string& host, const std::string& peer)> read_source;
    // The name shown for a host without -n.
    std::function<std::string(const std::string& host)> display_name;
    std::function<void(std::string_view)> out;
};

int run(const Options& options, const Io& io);

}  // namespace ntptrace
