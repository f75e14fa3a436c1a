#include "ntpwait/wait.hh"


#include "config.h"
#include "libntp/util/script_options.hh"

namespace ntpwait {

namespace {

using ntp::util::ScriptOption;
using Kind = ScriptOption::Kind;

constexpr ScriptOption options_spec[] = {
    {"tries", 'n', Kind::integer}, {"sleep", 's', Kind::integer}, {"verbose", 'v', Kind::flag},
    {"help", '?', Kind::flag},     {"more-help", 0, Kind::flag},
};

constexpr unsigned leap_alarm = 3;  // both leap bits set: not synchronised

std::string warnings_text(const ntp::util::ScriptArgs& a) {
    std::string out;
    for (const auto& w : a.warnings) out += w + "\n";
    return out;
}

}  // namespace

std::string usage_text() {
    return "ntp-wait - Wait for ntpd to stabilize the system clock - Ver. " PACKAGE_VERSION "\n"
           "USAGE: ntp-wait [ -<flag> [<val>] | --<name>[{=| }<val>] ]... \n"
           "\n"
           "    -n, --tries=num              Number of times to check ntpd\n"
           "    -s, --sleep=num              How long to sleep between tries\n"
           "    -v, --verbose                Be verbose\n"
           "    -?, --help                   Display usage information and exit\n"
           "        --more-help              Pass the extended usage text through a pager\n"
           "\n"
           "Options are specified by doubled hyphens and their name or by a single\n"
           "hyphen and the flag character.\n";
}

CommandLine parse_command_line(std::span<const std::string> args) {
    const auto a = ntp::util::parse_script_options(options_spec, args);
    CommandLine cl;
    if (!a.ok()) {
        cl.run = false;
        cl.exit_code = 1;
        cl.err = warnings_text(a) + usage_text();
        return cl;
    }
    // Classic checks --help before --more-help; both exit 0.
    if (a.has("help") || a.has("more-help")) {
        cl.run = false;
        (a.has("help") ? cl.err : cl.out) = usage_text();
        return cl;
    }
    cl.options.tries = a.integer("tries", cl.options.tries);
    cl.options.sleep_s = a.integer("sleep", cl.options.sleep_s);
    cl.options.verbose = a.has("verbose");
    return cl;
}

int run(const Options& options, const Probe& probe, const Sleep& sleep, const Write& out) {
    if (options.verbose) out("Waiting for ntpd to synchronize...  ");
    static constexpr char marks[] = "*+:.";
    for (long long i = 1; i <= options.tries; ++i) {
        const auto status = probe();
        if (!status) {
            out("\bLeap status not avalaible\n");
            return 1;
        }
        if ((*status >> 14) == leap_alarm) {
            if (options.verbose) out(std::string("\b") + marks[i % 4]);
            if (i < options.tries && options.sleep_s > 0) sleep(options.sleep_s);
            continue;
        }
        if (options.verbose) out("\bOK!\n");
        return 0;
    }
    if (options.verbose) out("\bNo!\nntpd did not synchronize.\n");
    return 1;
}

}  // namespace ntpwait
