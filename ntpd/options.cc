#include "config.h"

#include "ntpd/options.hh"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <string_view>
#include <vector>

#include "libntp/config/line_parser.hh"
#include "libntp/util/option_presets.hh"

namespace ntpd {

namespace {

enum class Arg { none, required, optional };

enum class Id {
    ipv4, ipv6, authreq, authnoreq, bcastsync, configfile, debug_level, set_debug_level,
    driftfile, panicgate, force_step_once, jaildir, interface, keyfile, logfile, novirtualips,
    mdns, modifymmtimer, nofork, nice, pidfile, priority, quit, propagationdelay,
    saveconfigquit, statsdir, trustedkey, user, updateinterval, var, dvar, wait_sync, slew,
    help, more_help, version, configtest, no_adjust, hwclock, source_port, seccomp,
};

struct Spec {
    char short_name;  // 0 = long only
    const char* long_name;
    Arg arg;
    Id id;
    const char* arg_name;
    const char* help;
};

// The classic ntpd 4.2.8 option set (spec ntpd.md §1) plus our extensions.
constexpr Spec specs[] = {
    {'4', "ipv4", Arg::none, Id::ipv4, nullptr, "Force IPv4 DNS name resolution"},
    {'6', "ipv6", Arg::none, Id::ipv6, nullptr, "Force IPv6 DNS name resolution"},
    {'a', "authreq", Arg::none, Id::authreq, nullptr, "Require crypto authentication (default)"},
    {'A', "authnoreq", Arg::none, Id::authnoreq, nullptr, "Do not require crypto authentication"},
    {'b', "bcastsync", Arg::none, Id::bcastsync, nullptr, "Allow us to sync to broadcast servers"},
    {'c', "configfile", Arg::required, Id::configfile, "FILE", "Configuration file (default /etc/ntp.conf)"},
    {'d', "debug-level", Arg::none, Id::debug_level, nullptr, "Increase debug verbosity level"},
    {'D', "set-debug-level", Arg::required, Id::set_debug_level, "N", "Set the debug verbosity level"},
    {'f', "driftfile", Arg::required, Id::driftfile, "FILE", "Frequency drift file name"},
    {'g', "panicgate", Arg::none, Id::panicgate, nullptr, "Allow the first adjustment to be Big"},
    {'G', "force-step-once", Arg::none, Id::force_step_once, nullptr, "Step the time once at start-up"},
    {'i', "jaildir", Arg::required, Id::jaildir, "DIR", "Jail directory"},
    {'I', "interface", Arg::required, Id::interface, "IFACE", "Listen on an interface name or address"},
    {'k', "keyfile", Arg::required, Id::keyfile, "FILE", "Path to symmetric keys"},
    {'l', "logfile", Arg::required, Id::logfile, "FILE", "Path to the log file"},
    {'L', "novirtualips", Arg::none, Id::novirtualips, nullptr, "Do not listen to virtual interfaces"},
    {'m', "mdns", Arg::none, Id::mdns, nullptr, "Register with mDNS as an NTP server"},
    {'M', "modifymmtimer", Arg::none, Id::modifymmtimer, nullptr, "Modify the multimedia timer (Windows only)"},
    {'n', "nofork", Arg::none, Id::nofork, nullptr, "Do not fork"},
    {'N', "nice", Arg::none, Id::nice, nullptr, "Run at high priority"},
    {'p', "pidfile", Arg::required, Id::pidfile, "FILE", "Path to the PID file"},
    {'P', "priority", Arg::required, Id::priority, "N", "Process priority"},
    {'q', "quit", Arg::none, Id::quit, nullptr, "Set the time and quit"},
    {'r', "propagationdelay", Arg::required, Id::propagationdelay, "SECONDS", "Broadcast/propagation delay"},
    {0, "saveconfigquit", Arg::required, Id::saveconfigquit, "FILE", "Save the parsed configuration and quit"},
    {'s', "statsdir", Arg::required, Id::statsdir, "DIR", "Statistics file location"},
    {'t', "trustedkey", Arg::required, Id::trustedkey, "ID", "Trusted key number"},
    {'u', "user", Arg::required, Id::user, "USER[:GROUP]", "Run as userid (or userid:groupid)"},
    {'U', "updateinterval", Arg::required, Id::updateinterval, "SECONDS", "Interval between interface scans"},
    {0, "var", Arg::required, Id::var, "NAME=VALUE", "Make ARG an ntp variable (RW)"},
    {0, "dvar", Arg::required, Id::dvar, "NAME=VALUE", "Make ARG an ntp variable (RW|DEF)"},
    {'w', "wait-sync", Arg::required, Id::wait_sync, "SECONDS", "Seconds to wait for the first clock sync"},
    {'x', "slew", Arg::none, Id::slew, nullptr, "Slew up to 600 seconds"},
    {0, "configtest", Arg::none, Id::configtest, nullptr, "Check the configuration, print diagnostics, exit 0 (ok) or 1"},
    {0, "no-adjust", Arg::none, Id::no_adjust, nullptr, "Run the discipline but never change the system clock"},
    {0, "hwclock", Arg::optional, Id::hwclock, "SECONDS", "Write the time to the RTC once synchronised (default every 660 s)"},
    {0, "source-port", Arg::required, Id::source_port, "123|random", "Poll servers from port 123 (default: a random port per server)"},
    {0, "seccomp", Arg::none, Id::seccomp, nullptr, "Restrict the daemon to the system calls it needs (see ntpd(8))"},
    {0, "version", Arg::optional, Id::version, "v|c|n", "Output version information and exit"},
    {'?', "help", Arg::none, Id::help, nullptr, "Display this help and exit"},
    {'!', "more-help", Arg::none, Id::more_help, nullptr, "Display extended usage information and exit"},
};

const Spec* find_short(char c) {
    for (const auto& s : specs) {
        if (s.short_name == c) return &s;
    }
    return nullptr;
}

bool is_extension(const Spec& s) {
    return s.id == Id::configtest || s.id == Id::no_adjust || s.id == Id::hwclock ||
           s.id == Id::source_port || s.id == Id::seccomp;
}

// Exact long name, or an unambiguous prefix (autogen allows abbreviations).
// A prefix shared by a classic option and one of our extensions means the
// classic one, so `--config` stays `--configfile` as it is for classic ntpd.
const Spec* find_long(std::string_view name, bool& ambiguous) {
    ambiguous = false;
    std::vector<const Spec*> matches;
    for (const auto& s : specs) {
        if (name == s.long_name) return &s;
        if (!name.empty() && std::string_view(s.long_name).substr(0, name.size()) == name) {
            matches.push_back(&s);
        }
    }
    if (matches.size() == 1) return matches.front();
    std::vector<const Spec*> classic;
    for (const Spec* s : matches) {
        if (!is_extension(*s)) classic.push_back(s);
    }
    if (classic.size() == 1) return classic.front();
    ambiguous = matches.size() > 1;
    return nullptr;
}

std::string display(const Spec& s) {
    return s.short_name ? std::string("-") + s.short_name : std::string("--") + s.long_name;
}

class Parser {
public:
    explicit Parser(Options& o) : o_(o) {}

    // Applies one option; returns an error text or "".
    std::string apply(const Spec& s, const std::optional<std::string>& value) {
        const std::string v = value.value_or("");
        switch (s.id) {
            case Id::ipv4: o_.ipv4_only = true; break;
            case Id::ipv6: o_.ipv6_only = true; break;
            case Id::authreq: o_.authreq = true; break;
            case Id::authnoreq: o_.authreq = false; break;
            case Id::bcastsync: o_.bcastsync = true; break;
            case Id::configfile: o_.config_file = v; break;
            case Id::debug_level: ++o_.debug_level; break;
            case Id::set_debug_level: return integer(s, v, 0, 1000, o_.debug_level);
            case Id::driftfile: o_.driftfile = v; break;
            case Id::panicgate: o_.panicgate = true; break;
            case Id::force_step_once: o_.force_step_once = true; break;
            case Id::jaildir: o_.jaildir = v; break;
            case Id::interface: o_.interfaces.push_back(v); break;
            case Id::keyfile: o_.keyfile = v; break;
            case Id::logfile: o_.logfile = v; break;
            case Id::novirtualips: o_.novirtualips = true; break;
            case Id::mdns: o_.mdns = true; break;
            case Id::modifymmtimer: o_.modifymmtimer = true; break;
            case Id::nofork: o_.nofork = true; break;
            case Id::nice: o_.nice = true; break;
            case Id::pidfile: o_.pidfile = v; break;
            case Id::priority: {
                int p = 0;
                auto err = integer(s, v, -20, 99, p);
                if (err.empty()) o_.priority = p;
                return err;
            }
            case Id::quit: o_.quit = true; break;
            case Id::propagationdelay: {
                auto d = ntp::config::detail::parse_double(v);
                if (!d || *d < 0) return "invalid delay '" + v + "' for " + display(s);
                o_.propagation_delay_s = *d;
                break;
            }
            case Id::saveconfigquit: o_.saveconfigquit = v; break;
            case Id::statsdir: o_.statsdir = v; break;
            case Id::trustedkey: {
                int k = 0;
                auto err = integer(s, v, 1, 65535, k);
                if (err.empty()) o_.trusted_keys.push_back(static_cast<std::uint32_t>(k));
                return err;
            }
            case Id::user: o_.user = v; break;
            case Id::updateinterval: {
                int u = 0;
                auto err = integer(s, v, 0, 86400 * 365, u);
                if (err.empty()) o_.update_interval_s = u;
                return err;
            }
            case Id::var:
            case Id::dvar:
                if (v.find('=') == std::string::npos || v.front() == '=') {
                    return display(s) + " needs NAME=VALUE, not '" + v + "'";
                }
                (s.id == Id::var ? o_.vars : o_.dvars).push_back(v);
                break;
            case Id::wait_sync: {
                int w = 0;
                auto err = integer(s, v, 0, 86400 * 365, w);
                if (err.empty()) o_.wait_sync_s = w;
                return err;
            }
            case Id::slew: o_.slew = true; break;
            case Id::help: o_.help = true; break;
            case Id::more_help: o_.more_help = true; break;
            case Id::version: o_.version = true; break;
            case Id::configtest: o_.configtest = true; break;
            case Id::no_adjust: o_.no_adjust = true; break;
            case Id::hwclock: {
                int interval = 660;
                if (value) {
                    auto err = integer(s, v, 60, 86400, interval);
                    if (!err.empty()) return err;
                }
                o_.hwclock_interval_s = interval;
                break;
            }
            case Id::source_port:
                // Only the two settings a firewall needs; any other fixed
                // port would have to be shared by all associations.
                if (v == "123") o_.source_port_123 = true;
                else if (v == "random") o_.source_port_123 = false;
                else return "--source-port takes 123 or random, not '" + v + "'";
                break;
            case Id::seccomp: o_.seccomp = true; break;
        }
        return {};
    }

private:
    static std::string integer(const Spec& s, const std::string& v, long long min, long long max,
                               int& out) {
        auto n = ntp::config::detail::parse_integer(v);
        if (!n) return "invalid number '" + v + "' for " + display(s);
        if (*n < min || *n > max) {
            return "value " + v + " for " + display(s) + " is out of range [" +
                   std::to_string(min) + "-" + std::to_string(max) + "]";
        }
        out = static_cast<int>(*n);
        return {};
    }

    Options& o_;
};

OptionsResult failure(std::string message) {
    OptionsResult r;
    r.error = "ntpd: " + std::move(message);
    return r;
}

// Classic's (autoopts) wordings, which scripts and log readers know.
std::string needs_argument(const Spec& s) {
    return std::string("The '") + s.long_name + "' option requires an argument.";
}

OptionsResult conflict(const char* a, const char* b) {
    OptionsResult r;
    r.error = std::string("ntpd error:  the '") + a + "' and '" + b + "' options conflict";
    return r;
}

}  // namespace

bool Options::stays_in_foreground() const {
    if (saveconfigquit.has_value() || configtest) return true;
    // Classic: -w needs the parent process, so it forks even with -n or -d.
    if (wait_sync_s.value_or(0) > 0) return false;
    return nofork || quit || debug_level > 0;
}

OptionsResult parse_options(const std::vector<std::string>& args) {
    OptionsResult result;
    Parser parser(result.options);
    bool only_operands = false;
    for (std::size_t i = 1; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (only_operands || arg.size() < 2 || arg[0] != '-') {
            if (arg.empty()) return failure("empty server name");
            result.options.servers.push_back(arg);
            continue;
        }
        if (arg == "--") {
            only_operands = true;
            continue;
        }
        if (arg[1] == '-') {
            const auto eq = arg.find('=');
            const std::string name = arg.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
            bool ambiguous = false;
            const Spec* s = find_long(name, ambiguous);
            if (ambiguous) return failure("option '--" + name + "' is ambiguous");
            if (!s) return failure("illegal option -- " + name);
            std::optional<std::string> value;
            if (eq != std::string::npos) {
                if (s->arg == Arg::none) return failure("option '--" + std::string(s->long_name) + "' takes no argument");
                value = arg.substr(eq + 1);
            } else if (s->arg == Arg::required) {
                if (i + 1 >= args.size()) return failure(needs_argument(*s));
                value = args[++i];
            }
            auto err = parser.apply(*s, value);
            if (!err.empty()) return failure(err);
            continue;
        }
        // Short options, possibly grouped: -gnx, -cFILE, -c FILE.
        for (std::size_t k = 1; k < arg.size(); ++k) {
            const Spec* s = find_short(arg[k]);
            if (!s) return failure(std::string("illegal option -- ") + arg[k]);
            std::optional<std::string> value;
            if (s->arg == Arg::required) {
                if (k + 1 < arg.size()) {
                    value = arg.substr(k + 1);
                } else if (i + 1 < args.size()) {
                    value = args[++i];
                } else {
                    return failure(needs_argument(*s));
                }
                k = arg.size();
            }
            auto err = parser.apply(*s, value);
            if (!err.empty()) return failure(err);
        }
    }
    if (result.options.ipv4_only && result.options.ipv6_only) return conflict("ipv4", "ipv6");
    if (result.options.nofork && result.options.wait_sync_s) return conflict("nofork", "wait-sync");
    if (result.options.configtest && result.options.saveconfigquit) {
        return failure("--configtest and --saveconfigquit cannot be used together");
    }
    result.ok = true;
    return result;
}

OptionsResult parse_options(int argc, const char* const* argv) {
    std::vector<std::string> args;
    for (int i = 0; i < argc; ++i) args.emplace_back(argv[i] ? argv[i] : "");
    return parse_options(args);
}

std::vector<std::string> with_environment_presets(
    const std::vector<std::string>& args,
    const std::function<std::optional<std::string>(const std::string&)>& getenv) {
    std::vector<ntp::util::PresetOption> presets;
    for (const auto& s : specs) {
        if (is_extension(s) || s.id == Id::help || s.id == Id::more_help || s.id == Id::version) continue;
        presets.push_back({s.long_name, s.arg == Arg::required});
    }
    std::vector<std::string> out;
    if (!args.empty()) out.push_back(args.front());
    for (auto& a : ntp::util::presets_from_environment("ntpd", presets, getenv)) out.push_back(std::move(a));
    if (!args.empty()) out.insert(out.end(), args.begin() + 1, args.end());
    return out;
}

std::string usage_text() {
    std::string out =
        "ntpd - NTP daemon program\n"
        "Usage:  ntpd [ -<flag> [<val>] | --<name>[{=| }<val>] ]... [ <server1> ... <serverN> ]\n";
    for (const auto& s : specs) {
        std::string left = "   ";
        left += s.short_name ? std::string("-") + s.short_name + "," : std::string("   ");
        left += " --" + std::string(s.long_name);
        if (s.arg_name) left += s.arg == Arg::optional ? std::string("[=") + s.arg_name + "]"
                                                       : std::string("=") + s.arg_name;
        if (left.size() < 32) left.resize(32, ' ');
        else left += ' ';
        out += left + s.help + "\n";
    }
    out +=
        "\nOptions are specified by doubled hyphens and their name or by a single\n"
        "hyphen and the flag character.  Extra arguments are servers, used as\n"
        "`server ARG iburst'.  --configtest, --no-adjust, --hwclock, --source-port\n"
        "and --seccomp are extensions of this implementation; see ntpd(8).\n";
    return out;
}

std::string version_text() {
    return std::string("ntpd ") + PACKAGE_NAME + " " + PACKAGE_VERSION +
           " (compatible with ntpd 4.2.8)\n";
}

void apply_to_config(const Options& options, ntp::config::NtpConfig& config) {
    using namespace ntp::config;
    for (const auto& server : options.servers) {
        Association a;
        a.kind = AssociationKind::server;
        a.address.text = server;
        a.address.numeric = parse_ip(server);
        a.family = options.ipv4_only   ? AddressFamily::ipv4
                   : options.ipv6_only ? AddressFamily::ipv6
                                       : AddressFamily::any;
        a.iburst = true;
        a.where = Origin{"command line", 0};
        config.associations.push_back(a);
    }
    for (auto key : options.trusted_keys) {
        if (std::find(config.trusted_keys.begin(), config.trusted_keys.end(), key) ==
            config.trusted_keys.end()) {
            config.trusted_keys.push_back(key);
        }
    }
    std::sort(config.trusted_keys.begin(), config.trusted_keys.end());
    auto add_var = [&](const std::string& text, bool is_default) {
        const auto eq = text.find('=');
        config.setvars.push_back({text.substr(0, eq), text.substr(eq + 1), is_default});
    };
    for (const auto& v : options.vars) add_var(v, false);
    for (const auto& v : options.dvars) add_var(v, true);
    if (options.authreq) config.flags.auth = *options.authreq;
    if (options.bcastsync) config.flags.bclient = true;
    if (options.slew && !config.tinker.step_s && !config.tinker.stepback_s &&
        !config.tinker.stepfwd_s) {
        // -x: step threshold 600 s both ways (a threshold above 0.5 s also
        // keeps the kernel loop off). A `tinker step` in the file wins.
        config.tinker.step_s = 600;
    }
    if (options.propagation_delay_s && !config.broadcastdelay_s) {
        config.broadcastdelay_s = options.propagation_delay_s;
    }
    // The file wins over these (classic reads the command line first).
    if (options.driftfile && !config.driftfile) config.driftfile = options.driftfile;
    if (options.keyfile && !config.keys_file) config.keys_file = options.keyfile;
    if (options.logfile && !config.logfile) config.logfile = options.logfile;
    if (options.pidfile && !config.pidfile) config.pidfile = options.pidfile;
    if (options.statsdir && !config.statsdir) {
        std::string dir = *options.statsdir;
        if (dir.empty() || dir.back() != '/') dir += '/';
        config.statsdir = dir;
    }
    if (options.hwclock_interval_s && !config.hwclock) {
        HwclockConfig h;
        h.interval_s = *options.hwclock_interval_s;
        config.hwclock = h;
    }
}

}  // namespace ntpd
