// ntpq: standard NTP query program, compatible with classic ntpq 4.2.8.
// Parses options, opens hosts and hands command lines to ntpq::Session.

#include "config.h"

#include <fcntl.h>
#include <getopt.h>
#include <netdb.h>
#include <signal.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "libntp/client/channel.hh"
#include "libntp/clock/null_clock.hh"
#include "libntp/io/unique_fd.hh"
#include "libntp/wire/ntp_time.hh"
#include "ntpq/presets.hh"
#include "ntpq/session.hh"

namespace {

const char* const version_text = "ntpq " PACKAGE_VERSION " (ntp-suite, classic 4.2.8 compatible)";

void usage(std::ostream& out, const char* prog) {
    out << "ntpq - standard NTP query program - Ver. " PACKAGE_VERSION "\n"
        << "Usage:  " << prog << " [ -<flag> [<val>] | --<name>[{=| }<val>] ]... [ host ...]\n"
        << "  Flg Arg Option-Name    Description\n"
           "   -4 no  ipv4           Force IPv4 name resolution\n"
           "                                - prohibits the option 'ipv6'\n"
           "   -6 no  ipv6           Force IPv6 name resolution\n"
           "                                - prohibits the option 'ipv4'\n"
           "   -c Str command        run a command and exit\n"
           "                                - may appear multiple times\n"
           "   -d no  debug-level    Increase debug verbosity level\n"
           "                                - may appear multiple times\n"
           "   -D Num set-debug-level Set the debug verbosity level\n"
           "                                - may appear multiple times\n"
           "   -i no  interactive    Force ntpq to operate in interactive mode\n"
           "                                - prohibits these options:\n"
           "                                command\n"
           "                                peers\n"
           "   -n no  numeric        numeric host addresses\n"
           "      no  old-rv         Always output status line with readvar\n"
           "   -p no  peers          Print a list of the peers\n"
           "                                - prohibits the option 'interactive'\n"
           "   -w no  wide           Display the full 'remote' value\n"
           "      opt version        output version information and exit\n"
           "   -? no  help           display extended usage information and exit\n"
           "   -! no  more-help      extended usage information passed thru pager\n"
           "   -> opt save-opts      save the option state to a config file\n"
           "   -< Str load-opts      load options from a config file\n"
           "                                - disabled as '--no-load-opts'\n"
           "                                - may appear multiple times\n"
           "\n"
           "Options are specified by doubled hyphens and their name or by a single\n"
           "hyphen and the flag character.\n"
           "\n"
           "The following option preset mechanisms are supported:\n"
           " - reading file $HOME/.ntprc\n"
           " - reading file ./.ntprc\n"
           " - examining environment variables named NTPQ_*\n";
}

volatile std::sig_atomic_t interrupted = 0;
extern "C" void on_sigint(int) { interrupted = 1; }

// Classic getkeyid()/getpass(): the controlling terminal if there is one,
// else standard input; prompts go to the terminal or stderr.
std::optional<std::string> read_from_tty(const std::string& prompt, bool echo) {
    ntp::io::UniqueFd tty(::open("/dev/tty", O_RDWR | O_CLOEXEC));
    if (!tty) {
        std::cerr << prompt << std::flush;
        std::string line;
        if (!std::getline(std::cin, line)) return std::nullopt;
        return line;
    }
    if (::write(tty.get(), prompt.data(), prompt.size()) < 0) return std::nullopt;
    termios saved{};
    const bool have_termios = ::tcgetattr(tty.get(), &saved) == 0;
    if (!echo && have_termios) {
        termios quiet = saved;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        ::tcsetattr(tty.get(), TCSAFLUSH, &quiet);
    }
    std::string line;
    char c;
    bool got_any = false;
    while (line.size() < 256 && ::read(tty.get(), &c, 1) == 1) {
        got_any = true;
        if (c == '\n') break;
        line += c;
    }
    if (!echo && have_termios) {
        ::tcsetattr(tty.get(), TCSAFLUSH, &saved);
        if (::write(tty.get(), "\n", 1) < 0) {
        }
    }
    if (!got_any) return std::nullopt;
    return line;
}

// argv[0], for the messages classic prefixes with it.
const char* program_name = "ntpq";

// Classic openhost(), through libntp's client.
std::optional<ntpq::OpenedHost> open_host(const ntpq::HostSpec& spec, std::string& error) {
    auto c = ntp::client::connect_udp(spec.name, 123, spec.family);
    if (!c) {
        // Name errors print bare (gai_strerror) and the next host is tried;
        // a socket or connect error ends ntpq with status 1, as classic's does.
        const auto& m = c.status().message();
        if (c.status().code() == -1) {
            error = m;
            return std::nullopt;
        }
        std::cout.flush();
        std::cerr << program_name << ": " << m << "\n";
        std::exit(1);
    }
    ntpq::OpenedHost out;
    out.channel = std::move(c->channel);
    out.display_name = std::move(c->display_name);
    out.numeric = c->numeric;
    out.address = c->address;
    return out;
}

}  // namespace

int main(int real_argc, char** real_argv) {
    const char* prog = real_argv[0];
    program_name = prog;
    std::vector<std::string> commands;
    ntpq::SessionSettings settings;
    settings.program = prog;
    settings.version_text = version_text;
    bool numeric = false;
    bool force_interactive = false;
    int family = 0;

    enum { opt_old_rv = 256, opt_version, opt_help, opt_no_load_opts };
    static const option long_options[] = {
        {"ipv4", no_argument, nullptr, '4'},
        {"ipv6", no_argument, nullptr, '6'},
        {"command", required_argument, nullptr, 'c'},
        {"debug-level", no_argument, nullptr, 'd'},
        {"set-debug-level", required_argument, nullptr, 'D'},
        {"interactive", no_argument, nullptr, 'i'},
        {"numeric", no_argument, nullptr, 'n'},
        {"old-rv", no_argument, nullptr, opt_old_rv},
        {"peers", no_argument, nullptr, 'p'},
        {"wide", no_argument, nullptr, 'w'},
        {"version", optional_argument, nullptr, opt_version},
        {"help", no_argument, nullptr, opt_help},
        {"more-help", no_argument, nullptr, '!'},
        {"save-opts", optional_argument, nullptr, '>'},
        {"load-opts", required_argument, nullptr, '<'},
        {"no-load-opts", no_argument, nullptr, opt_no_load_opts},
        {nullptr, 0, nullptr, 0},
    };
    // Presets (rc files, NTPQ_* variables) go in front of the command line.
    ntpq::PresetArgs expanded = ntpq::with_presets(real_argc, real_argv, long_options);
    if (!expanded.error.empty()) {
        std::cerr << expanded.error << "\n";
        return 1;
    }
    std::vector<char*> arg_pointers;
    for (auto& a : expanded.args) arg_pointers.push_back(a.data());
    arg_pointers.push_back(nullptr);
    int argc = static_cast<int>(expanded.args.size());
    char** argv = arg_pointers.data();
    std::vector<std::pair<std::string, std::string>> used;  // for --save-opts
    std::optional<std::string> save_path;
    opterr = 0;
    int c;
    // '+': stop at the first host so "-4"/"-6" between hosts apply to the
    // hosts after them, as in classic ntpq.
    while ((c = getopt_long(argc, argv, "+46c:dD:inpw?!>::<:", long_options, nullptr)) != -1) {
        for (const option* o = long_options; o->name != nullptr; ++o)
            if (o->val == c) used.emplace_back(o->name, optarg != nullptr ? optarg : "");
        switch (c) {
        case '4': family = 4; break;
        case '6': family = 6; break;
        case 'c': commands.emplace_back(optarg); break;
        case 'p': commands.emplace_back("peers"); break;
        case 'd': ++settings.debug; break;
        case 'D': settings.debug = std::atoi(optarg); break;
        case 'i': force_interactive = true; break;
        case 'n': numeric = true; break;
        case 'w': settings.wide = true; break;
        case opt_old_rv: settings.old_rv = true; break;
        case opt_version:
            std::cout << version_text << "\n";
            return 0;
        case opt_help:
        case '!':
            usage(std::cout, prog);
            return 0;
        case '>': save_path = optarg != nullptr ? optarg : "./.ntprc"; break;
        case '<':
        case opt_no_load_opts: break;  // read by with_presets
        case '?':
            if (optopt == '?' || optopt == 0) {
                if (optopt == '?') {
                    usage(std::cout, prog);
                    return 0;
                }
            }
            [[fallthrough]];
        default:
            if (optopt) std::cerr << prog << ": illegal option -- " << static_cast<char>(optopt) << "\n";
            else std::cerr << prog << ": unrecognized option '" << argv[optind - 1] << "'\n";
            std::cerr << "ntpq - standard NTP query program - Ver. " PACKAGE_VERSION "\n"
                      << "Usage:  " << prog << " [ -<flag> [<val>] | --<name>[{=| }<val>] ]... [ host ...]\n"
                      << "Try '" << prog << " --help' for more information.\n";
            return 1;
        }
    }
    if (force_interactive && !commands.empty()) {
        std::cerr << prog << ": error:  the 'interactive' and 'command' options conflict\n";
        return 1;
    }
    if (commands.size() > 100) commands.resize(100);
    if (save_path) {
        std::string err = ntpq::save_options(*save_path, used, long_options,
                                             "ntpq - standard NTP query program - Ver. " PACKAGE_VERSION);
        if (!err.empty()) {
            std::cerr << err << "\n";
            return 1;
        }
        return 0;
    }

    std::vector<ntpq::HostSpec> hosts;
    for (int i = optind; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg.size() >= 2 && arg[0] == '-' && arg[1] == '4') { family = 4; continue; }
        if (arg.size() >= 2 && arg[0] == '-' && arg[1] == '6') { family = 6; continue; }
        if (hosts.size() < 200) hosts.push_back({arg, family});
    }
    if (hosts.empty()) hosts.push_back({"localhost", family});

    settings.interactive =
        force_interactive || (commands.empty() && isatty(STDIN_FILENO) && isatty(STDERR_FILENO));
    if (settings.interactive) {
        struct sigaction sa{};
        sa.sa_handler = on_sigint;
        sigemptyset(&sa.sa_mask);
        sa.sa_flags = 0;  // no SA_RESTART: a waiting poll() returns EINTR
        sigaction(SIGINT, &sa, nullptr);
    }

    ntpq::Namer namer(&ntpq::Namer::system_reverse);
    namer.set_show_names(!numeric);
    // Reading the time only; NullClock never changes the host clock.
    ntp::clock::NullClock clock;
    ntpq::SessionIo io{
        std::cout, std::cerr,
        [](const std::string& prompt) { return read_from_tty(prompt, true); },
        [](const std::string& prompt) { return read_from_tty(prompt, false); },
    };
    ntpq::Session session(io, namer, &open_host,
                          [&clock] { return ntp::wire::NtpTime::from_timespec(clock.now()); },
                          settings);
    // Classic sizes the billboard's server column from every host up front.
    std::vector<std::optional<ntp::io::IpAddress>> addresses;
    if (hosts.size() > 1) {
        for (const auto& h : hosts) {
            std::string ignored;
            auto opened = open_host(h, ignored);
            addresses.push_back(opened ? opened->address : std::nullopt);
        }
    }
    session.set_host_list(hosts, addresses);

    if (commands.empty()) {
        session.open_host(hosts.front());
        std::string line;
        for (;;) {
            if (settings.interactive) std::cout << "ntpq> " << std::flush;
            if (!std::getline(std::cin, line)) {
                if (interrupted && std::cin.eof() == false) {
                    std::cin.clear();
                    interrupted = 0;
                    std::cout << "\n";
                    continue;
                }
                break;
            }
            interrupted = 0;
            session.run(line);
            std::cout.flush();
            if (session.quit_requested()) break;
        }
        return 0;
    }
    for (const auto& host : hosts) {
        if (!session.open_host(host)) continue;
        for (const auto& cmd : commands) {
            session.run(cmd);
            std::cout.flush();
            if (session.quit_requested()) return 0;
        }
    }
    return 0;
}
